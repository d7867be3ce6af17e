package io.mqlab.bench.workload;

import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles in milliseconds; a figure a tool does not report is {@code null}.
 *
 * @param p50 median
 * @param p95 95th percentile
 * @param p99 99th percentile
 * @param p999 99.9th percentile
 * @param max the largest
 */
public record Latency(Double p50, Double p95, Double p99, Double p999, Double max) {

	/** Percentiles of the latency curve in the report (log scale towards the tail). */
	private static final double[] CURVE = { 0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100 };

	public static final Latency NONE = new Latency(null, null, null, null, null);

	/** From a histogram of microseconds. */
	public static Latency of(Histogram micros) {
		if (micros.getTotalCount() == 0) {
			return NONE;
		}
		return new Latency(ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(95)),
				ms(micros.getValueAtPercentile(99)), ms(micros.getValueAtPercentile(99.9)), ms(micros.getMaxValue()));
	}

	/** The latency at a series of percentiles, for the percentile chart. */
	public static List<PercentilePoint> curve(Histogram micros) {
		List<PercentilePoint> points = new ArrayList<>();
		if (micros.getTotalCount() == 0) {
			return points;
		}
		for (double percentile : CURVE) {
			long value = (percentile == 100) ? micros.getMaxValue() : micros.getValueAtPercentile(percentile);
			points.add(new PercentilePoint(percentile, ms(value)));
		}
		return points;
	}

	private static double ms(long micros) {
		return Math.round(micros / 10.0) / 100.0;
	}

	/**
	 * One point of a latency percentile curve.
	 *
	 * @param percentile from 0 to 100
	 * @param ms the latency at it
	 */
	public record PercentilePoint(double percentile, double ms) {

	}

}
