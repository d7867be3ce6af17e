package io.mqlab.bench.workload;

import java.time.Duration;

/**
 * The same workload for every backend and its native baseline.
 *
 * @param messages messages of the max-throughput phase
 * @param size payload size in bytes (the JSON payload mqlab publishes, the raw body the
 * native tools send)
 * @param keys ordering keys the messages are spread over
 * @param producers publishing threads; each owns a disjoint share of the keys so per-key
 * order is defined
 * @param consumers members of the one consumer group
 * @param rate messages per second of the fixed-rate (latency) phase; 0 skips it
 * @param duration length of the fixed-rate phase
 */
public record Workload(int messages, int size, int keys, int producers, int consumers, int rate, Duration duration) {

	public Workload {
		positive("messages", messages);
		positive("size", size);
		positive("keys", keys);
		positive("producers", producers);
		positive("consumers", consumers);
		if (rate < 0) {
			throw new IllegalArgumentException("--rate must be 0 (no fixed-rate phase) or more, was " + rate);
		}
		if (keys < producers) {
			throw new IllegalArgumentException("--keys (" + keys + ") must be at least --producers (" + producers
					+ "): every producer owns its own keys, so per-key order is defined");
		}
		if (rate > 0 && (duration == null || duration.toMillis() < 100)) {
			throw new IllegalArgumentException("--duration must be at least 100ms when --rate is set");
		}
	}

	/** Messages of the fixed-rate phase. */
	public int fixedRateMessages() {
		return (this.rate == 0) ? 0 : (int) Math.max(1, this.rate * this.duration.toMillis() / 1000);
	}

	private static void positive(String name, int value) {
		if (value < 1) {
			throw new IllegalArgumentException("--" + name + " must be at least 1, was " + value);
		}
	}

}
