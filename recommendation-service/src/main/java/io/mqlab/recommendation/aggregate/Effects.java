package io.mqlab.recommendation.aggregate;

import java.time.Instant;
import java.util.List;

/**
 * What one event adds to the aggregates, decided by {@link Scoring}. A store applies it
 * all or nothing, once per event id.
 *
 * @param eventId the click id or order id: applied once
 * @param userId whose interests grow
 * @param interests how much interest in which product, seen when
 * @param coViewed new pairs of products viewed in one session (each pair once per
 * session)
 * @param newInSession products seen for the first time in their session
 * @param session the session the click belongs to, or {@code null} for an order
 * @param seenInSessionAt when the session saw the product last
 * @param boughtTogether pairs of products bought in one order
 * @param bought products the user bought
 * @param trending how much each product adds to its trending minute, or empty when the
 * event came too late for trending
 * @param trendingMinute the event's minute (event time)
 */
public record Effects(String eventId, String userId, List<Interest> interests, List<Pair> coViewed,
		List<String> newInSession, SessionRef session, Instant seenInSessionAt, List<Pair> boughtTogether,
		List<String> bought, List<Interest> trending, Instant trendingMinute) {

	/** The same effects for an engine that keeps sessions itself. */
	public Effects withoutSession() {
		return new Effects(this.eventId, this.userId, this.interests, this.coViewed, this.newInSession, null,
				this.seenInSessionAt, this.boughtTogether, this.bought, this.trending, this.trendingMinute);
	}

	/** Interest in a product: a weight added, and when. */
	public record Interest(String sku, double weight, Instant at) {

	}

	/** Two products that belong together; counted both ways. */
	public record Pair(String first, String second) {

	}

	/** A user's session; {@code id} is {@code null} when the client sent none. */
	public record SessionRef(String userId, String id) {

	}

}
