package io.mqlab.recommendation.recommend;

import java.time.Duration;
import java.util.Arrays;

/**
 * The trending windows served.
 */
enum TrendingWindow {

	FIVE_MINUTES("5m", Duration.ofMinutes(5)), ONE_HOUR("1h", Duration.ofHours(1));

	private final String id;

	private final Duration length;

	TrendingWindow(String id, Duration length) {
		this.id = id;
		this.length = length;
	}

	String id() {
		return this.id;
	}

	Duration length() {
		return this.length;
	}

	static TrendingWindow of(String id) {
		return Arrays.stream(values()).filter((w) -> w.id.equals(id)).findFirst().orElse(null);
	}

}
