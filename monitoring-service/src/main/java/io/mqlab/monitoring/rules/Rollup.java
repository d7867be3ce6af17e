package io.mqlab.monitoring.rules;

import java.util.Locale;

/**
 * One series' samples in one window: how many, their sum, smallest, largest and the last
 * (by event time).
 *
 * @param windowStart the window's start, epoch milliseconds
 * @param count how many samples
 * @param sum their sum
 * @param min the smallest
 * @param max the largest
 * @param lastAt the event time of the last sample, epoch milliseconds
 * @param last its value
 */
public record Rollup(long windowStart, long count, double sum, double min, double max, long lastAt, double last) {

	/** The window with one sample. */
	public static Rollup of(long windowStart, long at, double value) {
		return new Rollup(windowStart, 1, value, value, value, at, value);
	}

	public double avg() {
		return (this.count == 0) ? Double.NaN : this.sum / this.count;
	}

	/** A compact text form, stored as a sorted-set member (the score is the window). */
	public String encode() {
		return String.format(Locale.ROOT, "%d|%d|%s|%s|%s|%d|%s", this.windowStart, this.count, num(this.sum),
				num(this.min), num(this.max), this.lastAt, num(this.last));
	}

	public static Rollup decode(String text) {
		String[] parts = text.split("\\|");
		if (parts.length != 7) {
			throw new IllegalArgumentException("Not a rollup: " + text);
		}
		return new Rollup(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Double.parseDouble(parts[2]),
				Double.parseDouble(parts[3]), Double.parseDouble(parts[4]), Long.parseLong(parts[5]),
				Double.parseDouble(parts[6]));
	}

	private static String num(double value) {
		return Double.toString(value);
	}

}
