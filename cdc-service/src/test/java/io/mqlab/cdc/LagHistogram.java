package io.mqlab.cdc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;

/**
 * A lag timer's cumulative bucket counts at one moment, so that a check can take the
 * percentiles of one phase (the difference of two snapshots) rather than of everything
 * since the start, which a warm-up would spoil.
 *
 * @param boundsMs each bucket's upper bound
 * @param counts how many values fell at or below each bound
 * @param total how many values were recorded, those above the last bound included
 */
record LagHistogram(double[] boundsMs, double[] counts, long total) {

	/** Fine buckets for the capture's and the sinks' lag timers, kept (not windowed). */
	static final MeterFilter BUCKETS = new MeterFilter() {

		@Override
		public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
			if (!id.getName().equals("cdc.sink.lag") && !id.getName().equals("cdc.capture.lag")) {
				return config;
			}
			return DistributionStatisticConfig.builder()
				.serviceLevelObjectives(bounds())
				.expiry(Duration.ofHours(1))
				.bufferLength(1)
				.build()
				.merge(config);
		}

	};

	/**
	 * Every 25 ms to 2 s, every 100 ms to 10 s, every second to 2 min, in nanoseconds.
	 */
	private static double[] bounds() {
		List<Double> ms = new ArrayList<>();
		for (int b = 25; b <= 2000; b += 25) {
			ms.add((double) b);
		}
		for (int b = 2100; b <= 10_000; b += 100) {
			ms.add((double) b);
		}
		for (int b = 11_000; b <= 120_000; b += 1000) {
			ms.add((double) b);
		}
		return ms.stream().mapToDouble((b) -> b * 1e6).toArray();
	}

	static LagHistogram of(Timer timer) {
		HistogramSnapshot snapshot = timer.takeSnapshot();
		CountAtBucket[] buckets = snapshot.histogramCounts();
		double[] bounds = new double[buckets.length];
		double[] counts = new double[buckets.length];
		for (int i = 0; i < buckets.length; i++) {
			bounds[i] = buckets[i].bucket(TimeUnit.MILLISECONDS);
			counts[i] = buckets[i].count();
		}
		return new LagHistogram(bounds, counts, snapshot.count());
	}

	/** What was recorded after {@code earlier}. */
	LagHistogram minus(LagHistogram earlier) {
		double[] counts = new double[this.counts.length];
		for (int i = 0; i < counts.length; i++) {
			counts[i] = this.counts[i] - earlier.counts[i];
		}
		return new LagHistogram(this.boundsMs, counts, this.total - earlier.total);
	}

	/** The upper bound of the bucket the percentile falls in, "-" if none recorded. */
	String percentile(double percentile) {
		if (this.total == 0) {
			return "-";
		}
		for (int i = 0; i < this.counts.length; i++) {
			if (this.counts[i] >= percentile * this.total) {
				return String.format("%.0f", this.boundsMs[i]);
			}
		}
		return "> " + String.format("%.0f", this.boundsMs[this.boundsMs.length - 1]);
	}

}
