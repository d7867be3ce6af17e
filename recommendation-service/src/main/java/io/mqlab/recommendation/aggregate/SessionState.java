package io.mqlab.recommendation.aggregate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A session as the Kafka Streams engine keeps it in its state store: when it was last
 * active and its products, oldest first, at most {@link Scoring#SESSION_PAIRS}. Stored as
 * {@code <epoch-millis>;<sku>,<sku>,...} (skus hold no commas).
 */
record SessionState(Instant lastSeen, List<String> skus) {

	static final SessionState EMPTY = new SessionState(Instant.EPOCH, List.of());

	static SessionState parse(String stored) {
		if (stored == null || stored.isEmpty()) {
			return EMPTY;
		}
		int separator = stored.indexOf(';');
		String skus = stored.substring(separator + 1);
		return new SessionState(Instant.ofEpochMilli(Long.parseLong(stored.substring(0, separator))),
				skus.isEmpty() ? List.of() : Arrays.asList(skus.split(",")));
	}

	/** Empty when the session ended: no click for longer than the gap. */
	SessionState activeAt(Instant now, Duration gap) {
		return this.lastSeen.plus(gap).isBefore(now) ? EMPTY : this;
	}

	SessionState with(String sku, Instant now) {
		List<String> skus = new ArrayList<>(this.skus);
		skus.remove(sku);
		skus.add(sku);
		while (skus.size() > Scoring.SESSION_PAIRS) {
			skus.remove(0);
		}
		return new SessionState(now, skus);
	}

	String format() {
		return this.lastSeen.toEpochMilli() + ";" + String.join(",", this.skus);
	}

}
