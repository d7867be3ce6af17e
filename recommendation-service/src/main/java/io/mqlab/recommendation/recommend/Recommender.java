package io.mqlab.recommendation.recommend;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.mqlab.recommendation.aggregate.RedisAggregates;
import io.mqlab.recommendation.aggregate.RedisAggregates.UserInterest;
import io.mqlab.recommendation.aggregate.Scoring;
import io.mqlab.recommendation.recommend.Recommendation.Basis;

import org.springframework.stereotype.Component;

/**
 * Answers from the aggregates only. A user's strongest recent interests are the anchors;
 * each anchor's neighbours (viewed together, bought together) score by anchor interest
 * times similarity, summed over anchors; the largest part gives the reason. What the user
 * bought is left out; trending products fill up what is missing, and stand in for users
 * with no history. Ties break by sku, so every instance gives the same answer.
 */
@Component
class Recommender {

	/** Anchors taken from a user's interests. */
	static final int ANCHORS = 20;

	/** Neighbours read per anchor and relation. */
	static final int NEIGHBOURS = 50;

	private static final Comparator<Recommendation> RANKED = Comparator.comparingDouble(Recommendation::score)
		.reversed()
		.thenComparing(Recommendation::sku);

	private final RedisAggregates aggregates;

	private final Scoring scoring;

	private final Clock clock;

	Recommender(RedisAggregates aggregates, Scoring scoring, Clock clock) {
		this.aggregates = aggregates;
		this.scoring = scoring;
		this.clock = clock;
	}

	List<Recommendation> forUser(String userId, int limit) {
		Instant now = this.clock.instant();
		Set<String> bought = this.aggregates.bought(userId);
		Map<String, Double> anchors = anchors(this.aggregates.interests(userId), now);
		Map<String, Candidate> candidates = new HashMap<>();
		for (Map.Entry<String, Double> anchor : anchors.entrySet()) {
			related(anchor.getKey()).forEach((sku, part) -> {
				if (!bought.contains(sku)) {
					candidates.computeIfAbsent(sku, Candidate::new)
						.add(anchor.getValue() * part.score(), part.basis(), anchor.getKey());
				}
			});
		}
		List<Recommendation> ranked = new ArrayList<>(
				candidates.values().stream().map(Candidate::recommendation).sorted(RANKED).limit(limit).toList());
		if (ranked.size() < limit) {
			fillWithTrending(ranked, bought, limit, now);
		}
		return ranked;
	}

	/** Products related to one, by similarity (viewed together, bought together). */
	List<Recommendation> related(String sku, int limit) {
		return related(sku).entrySet()
			.stream()
			.map((entry) -> Recommendation.of(entry.getKey(), entry.getValue().score(), entry.getValue().basis(), sku))
			.sorted(RANKED)
			.limit(limit)
			.toList();
	}

	/** The top products of a window ending now. */
	Map<String, Double> trending(TrendingWindow window, int limit) {
		return this.aggregates.trending(Scoring.window(window.length(), this.clock.instant()), limit);
	}

	private Map<String, Double> anchors(Map<String, UserInterest> interests, Instant now) {
		Map<String, Double> scored = new HashMap<>();
		interests.forEach(
				(sku, interest) -> scored.put(sku, this.scoring.interest(interest.weight(), interest.lastSeen(), now)));
		Map<String, Double> anchors = new LinkedHashMap<>();
		scored.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
			.limit(ANCHORS)
			.forEach((entry) -> anchors.put(entry.getKey(), entry.getValue()));
		return anchors;
	}

	/** Each neighbour's similarity to the product, summed over both relations. */
	private Map<String, Part> related(String sku) {
		Map<String, Double> coViewed = this.aggregates.coViewed(sku, NEIGHBOURS);
		Map<String, Double> boughtTogether = this.aggregates.boughtTogether(sku, NEIGHBOURS);
		Set<String> viewedSkus = new HashSet<>(coViewed.keySet());
		viewedSkus.add(sku);
		Set<String> boughtSkus = new HashSet<>(boughtTogether.keySet());
		boughtSkus.add(sku);
		Map<String, Double> sessions = coViewed.isEmpty() ? Map.of() : this.aggregates.sessionCounts(viewedSkus);
		Map<String, Double> orders = boughtTogether.isEmpty() ? Map.of() : this.aggregates.orderCounts(boughtSkus);
		Map<String, Part> parts = new HashMap<>();
		coViewed.forEach((other, together) -> parts.merge(other,
				new Part(Scoring.similarity(together, sessions.get(sku), sessions.get(other)), Basis.CO_VIEWED),
				Part::plus));
		boughtTogether.forEach((other, together) -> parts.merge(other,
				new Part(
						Scoring.BOUGHT_TOGETHER_FACTOR
								* Scoring.similarity(together, orders.get(sku), orders.get(other)),
						Basis.BOUGHT_TOGETHER),
				Part::plus));
		return parts;
	}

	private void fillWithTrending(List<Recommendation> ranked, Set<String> bought, int limit, Instant now) {
		Set<String> taken = new HashSet<>();
		ranked.forEach((r) -> taken.add(r.sku()));
		Map<String, Double> trending = this.aggregates.trending(Scoring.window(TrendingWindow.ONE_HOUR.length(), now),
				limit + taken.size() + bought.size());
		double top = trending.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
		// below every personal recommendation, in trending order
		double ceiling = ranked.isEmpty() ? 1.0 : ranked.get(ranked.size() - 1).score() / 2;
		for (Map.Entry<String, Double> entry : trending.entrySet()) {
			if (ranked.size() >= limit) {
				break;
			}
			if (!taken.contains(entry.getKey()) && !bought.contains(entry.getKey())) {
				ranked.add(Recommendation.of(entry.getKey(), ceiling * entry.getValue() / top, Basis.TRENDING, null));
			}
		}
	}

	/** A similarity and the relation that gave most of it. */
	private record Part(double score, Basis basis, double bestScore) {

		Part(double score, Basis basis) {
			this(score, basis, score);
		}

		Part plus(Part other) {
			Basis best = (other.bestScore > this.bestScore) ? other.basis : this.basis;
			return new Part(this.score + other.score, best, Math.max(this.bestScore, other.bestScore));
		}

	}

	/**
	 * A product being scored for a user: the sum, and its largest part for the reason.
	 */
	private static final class Candidate {

		private final String sku;

		private double score;

		private double best = -1;

		private Basis basis;

		private String because;

		Candidate(String sku) {
			this.sku = sku;
		}

		void add(double part, Basis basis, String anchor) {
			this.score += part;
			if (part > this.best || (part == this.best && anchor.compareTo(this.because) < 0)) {
				this.best = part;
				this.basis = basis;
				this.because = anchor;
			}
		}

		Recommendation recommendation() {
			return Recommendation.of(this.sku, this.score, this.basis, this.because);
		}

	}

}
