package io.mqlab.recommendation.aggregate;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

import io.mqlab.recommendation.click.Clicked;

/**
 * The scoring rules, in one place and free of any store: what a click or an order adds to
 * the aggregates, and how aggregates turn into scores. Every engine applies these rules;
 * none has its own.
 * <ul>
 * <li>Weights: view 1, click 2, add to cart 4, purchase 8 ({@link Signal}).</li>
 * <li>A user's interest in a product is the sum of the weights, decayed from the last
 * interaction with a half-life.</li>
 * <li>Viewed together: two products in one session count once for that session, however
 * often they are clicked; similarity is that count over the geometric mean of the
 * sessions each was in (cosine), so popular products do not win everything.</li>
 * <li>Bought together: the same over orders; it counts twice as much as viewing.</li>
 * <li>Trending: weights summed in tumbling one-minute buckets by event time; a window (5
 * minutes, 1 hour) is the sum of its buckets. A bucket takes late events until
 * {@code allowedLateness} after it ended; later events still count everywhere else.</li>
 * </ul>
 */
public final class Scoring {

	/** Trending bucket length. */
	public static final Duration BUCKET = Duration.ofMinutes(1);

	/** How many of a session's products a new one is paired with, at most. */
	public static final int SESSION_PAIRS = 50;

	/** How many of a user's products are kept as interests. */
	public static final int INTERESTS = 50;

	/** Weight of "bought together" relative to "viewed together". */
	public static final double BOUGHT_TOGETHER_FACTOR = 2.0;

	private final Duration allowedLateness;

	private final Duration interestHalfLife;

	public Scoring(Duration allowedLateness, Duration interestHalfLife) {
		this.allowedLateness = allowedLateness;
		this.interestHalfLife = interestHalfLife;
	}

	public Duration allowedLateness() {
		return this.allowedLateness;
	}

	/**
	 * What a click adds, given the products its session already saw.
	 * @param now the current time; events from the future count as now
	 */
	public Effects onClick(Clicked click, Collection<String> sessionSkus, Instant now) {
		Instant at = notAfter(click.at(), now);
		double weight = Signal.of(click.type()).weight();
		boolean newInSession = !sessionSkus.contains(click.sku());
		List<Effects.Pair> pairs = new ArrayList<>();
		if (newInSession) {
			for (String other : new TreeSet<>(sessionSkus)) {
				pairs.add(new Effects.Pair(click.sku(), other));
			}
		}
		Effects.Interest interest = new Effects.Interest(click.sku(), weight, at);
		boolean trending = countsForTrending(click.at(), now);
		return new Effects("click:" + click.clickId(), click.userId(), List.of(interest), pairs,
				newInSession ? List.of(click.sku()) : List.of(),
				new Effects.SessionRef(click.userId(), click.sessionId()), at, List.of(), List.of(),
				trending ? List.of(interest) : List.of(), minute(click.at()));
	}

	/** What an order adds: purchases, pairs bought together, trending. */
	public Effects onOrder(OrderPlaced order, Instant now) {
		Instant placed = (order.placedAt() != null) ? order.placedAt() : now;
		Instant at = notAfter(placed, now);
		TreeSet<String> skus = new TreeSet<>();
		order.items().forEach((line) -> skus.add(line.sku()));
		List<Effects.Interest> interests = skus.stream()
			.map((sku) -> new Effects.Interest(sku, Signal.PURCHASE.weight(), at))
			.toList();
		List<Effects.Pair> pairs = new ArrayList<>();
		List<String> sorted = List.copyOf(skus);
		for (int i = 0; i < sorted.size(); i++) {
			for (int j = i + 1; j < sorted.size(); j++) {
				pairs.add(new Effects.Pair(sorted.get(i), sorted.get(j)));
			}
		}
		boolean trending = countsForTrending(placed, now);
		return new Effects("order:" + order.orderId(), order.customerId(), interests, List.of(), List.of(), null, at,
				pairs, sorted, trending ? interests : List.of(), minute(placed));
	}

	/**
	 * Whether an event at {@code at} still counts for its trending bucket at {@code now}.
	 */
	public boolean countsForTrending(Instant at, Instant now) {
		return now.isBefore(minute(at).plus(BUCKET).plus(this.allowedLateness));
	}

	/** Whether a bucket takes no more events at {@code now}: it can be exported. */
	public boolean isClosed(Instant minute, Instant now) {
		return !countsForTrending(minute, now);
	}

	/** The trending bucket of an event time. */
	public static Instant minute(Instant at) {
		return at.truncatedTo(ChronoUnit.MINUTES);
	}

	/** The buckets of a window ending now, the current (open) minute included. */
	public static List<Instant> window(Duration window, Instant now) {
		long minutes = Math.max(1, window.toMinutes());
		Instant last = minute(now);
		List<Instant> buckets = new ArrayList<>();
		for (long i = minutes - 1; i >= 0; i--) {
			buckets.add(last.minus(BUCKET.multipliedBy(i)));
		}
		return buckets;
	}

	/** A user's interest now, from the summed weight and the last interaction. */
	public double interest(double weight, Instant lastSeen, Instant now) {
		double age = Math.max(0, Duration.between(lastSeen, now).toMillis());
		return weight * Math.pow(0.5, age / this.interestHalfLife.toMillis());
	}

	/** Cosine similarity from a co-occurrence count and each side's occurrences. */
	public static double similarity(double together, double first, double second) {
		if (together <= 0 || first <= 0 || second <= 0) {
			return 0;
		}
		return together / Math.sqrt(first * second);
	}

	private static Instant notAfter(Instant at, Instant now) {
		return at.isAfter(now) ? now : at;
	}

}
