package io.mqlab.bench.workload;

/**
 * The payload the bench publishes through mqlab. It carries what the consumer side needs
 * to check delivery without any shared state beyond the tracker: which phase and message
 * it is, its key and place in the key's sequence, and when it was meant to be sent.
 *
 * @param phase index of the phase that published it
 * @param index the message's number within its phase, from 0
 * @param key the key number (the envelope key is {@code "k" + key})
 * @param seq the message's place in its key's sequence, from 0
 * @param sentNanos {@link System#nanoTime()} when it was due to be sent (the scheduled
 * time in the fixed-rate phase, so a stalled producer shows in the latency)
 * @param body padding up to the configured size
 */
public record BenchMessage(int phase, long index, int key, long seq, long sentNanos, String body) {

	private static final int FIXED_JSON_LENGTH = "{\"phase\":,\"index\":,\"key\":,\"seq\":,\"sentNanos\":,\"body\":\"\"}"
		.length();

	/**
	 * A message whose JSON form is {@code size} bytes long, or as short as it can be when
	 * the fields alone take more.
	 */
	public static BenchMessage of(int phase, long index, int key, long seq, long sentNanos, int size) {
		int fields = FIXED_JSON_LENGTH + digits(phase) + digits(index) + digits(key) + digits(seq) + digits(sentNanos);
		return new BenchMessage(phase, index, key, seq, sentNanos, Padding.of(size - fields));
	}

	public String keyName() {
		return keyName(this.key);
	}

	public static String keyName(int key) {
		return "k" + key;
	}

	private static int digits(long value) {
		return Long.toString(value).length();
	}

	/** Shares one long string so padding costs a substring, not a fill. */
	private static final class Padding {

		private static volatile String pad = "";

		static String of(int length) {
			if (length <= 0) {
				return "";
			}
			String current = pad;
			if (current.length() < length) {
				current = "x".repeat(Math.max(length, 1024));
				pad = current;
			}
			return current.substring(0, length);
		}

	}

}
