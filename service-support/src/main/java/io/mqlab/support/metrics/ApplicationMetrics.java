package io.mqlab.support.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.DoubleStream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.mqlab.support.metrics.MetricsSampled.Sample;

/**
 * The application's own meters read from its Micrometer registry: HTTP requests (Spring's
 * {@code http.server.requests} timers) and the messaging library's counters and backlog
 * gauges. Counters and timer counts are cumulative; this turns them into rates over the
 * time since the previous call. Not thread-safe: the sampler thread alone calls it.
 */
final class ApplicationMetrics {

	static final String HTTP_REQUESTS = "http.server.requests";

	/** Bucket bounds of the HTTP timers, 1 ms to 30 s, in nanoseconds. */
	static final double[] HTTP_BUCKETS_NANOS = DoubleStream
		.of(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 2.5,
				3, 4, 5, 7.5, 10, 15, 20, 30)
		.map((seconds) -> seconds * 1e9)
		.toArray();

	/**
	 * More groups than any service consumes; a bound on the batch's size all the same.
	 */
	static final int MAX_BACKLOG_SERIES = 100;

	/**
	 * Two readings of one backlog figure differ by the clock's jitter between the age
	 * gauge's clock and this one, never by this much.
	 */
	static final long SAME_MEASUREMENT_MILLIS = 500;

	private final MeterRegistry registry;

	private final String ownTopic;

	private double httpRequests;

	private double httpErrors;

	private double published;

	private double consumed;

	private double failed;

	/** When the broker reported each group's last backlog sent, in epoch ms. */
	private Map<String, Long> backlogMeasuredAt = new HashMap<>();

	/** Each HTTP timer's cumulative bucket counts, by bucket upper bound (ns). */
	private Map<Meter.Id, Map<Double, Double>> httpBuckets = new HashMap<>();

	/**
	 * @param ownTopic the agent's topic, whose batches are not the application's traffic
	 */
	ApplicationMetrics(MeterRegistry registry, String ownTopic) {
		this.registry = registry;
		this.ownTopic = ownTopic;
	}

	/** Remembers the totals the next {@link #sample} differentiates. */
	void baseline() {
		sample(0, null);
	}

	/**
	 * Adds the application's samples ({@code samples} null: only remember the totals).
	 * @param seconds the time since the previous call
	 */
	void sample(double seconds, List<Sample> samples) {
		double requests = 0;
		double errors = 0;
		NavigableMap<Double, Double> interval = new TreeMap<>();
		Map<Meter.Id, Map<Double, Double>> buckets = new HashMap<>();
		for (Timer timer : this.registry.find(HTTP_REQUESTS).timers()) {
			long count = timer.count();
			requests += count;
			String status = timer.getId().getTag("status");
			if (status != null && status.startsWith("5")) {
				errors += count;
			}
			Map<Double, Double> cumulative = new HashMap<>();
			for (CountAtBucket bucket : timer.takeSnapshot().histogramCounts()) {
				cumulative.put(bucket.bucket(TimeUnit.NANOSECONDS), bucket.count());
			}
			buckets.put(timer.getId(), cumulative);
			addIntervalCounts(interval, cumulative, this.httpBuckets.get(timer.getId()));
		}
		double published = sumCounters("mqlab.messages.published", true);
		double consumed = sumCounters("mqlab.messages.consumed", false);
		double failed = sumCounters("mqlab.messages.retried", false)
				+ sumCounters("mqlab.messages.dead.lettered", false);
		if (samples != null) {
			add(samples, "http.requests.rate", OshiSystemMetrics.rate(requests - this.httpRequests, seconds));
			add(samples, "http.errors.rate", OshiSystemMetrics.rate(errors - this.httpErrors, seconds));
			add(samples, "http.latency.p99", p99(interval) / 1e9);
			add(samples, "messages.published.rate", OshiSystemMetrics.rate(published - this.published, seconds));
			add(samples, "messages.consumed.rate", OshiSystemMetrics.rate(consumed - this.consumed, seconds));
			add(samples, "messages.failed.rate", OshiSystemMetrics.rate(failed - this.failed, seconds));
			backlogs(samples);
		}
		this.httpRequests = requests;
		this.httpErrors = errors;
		this.httpBuckets = buckets;
		this.published = published;
		this.consumed = consumed;
		this.failed = failed;
	}

	/**
	 * Adds what one timer's cumulative buckets gained since the previous sample. A
	 * histogram that decays with time (a registry other than Prometheus's rotates its
	 * buckets) has counts that fall: its current window is taken as the interval's.
	 */
	private static void addIntervalCounts(Map<Double, Double> interval, Map<Double, Double> now,
			Map<Double, Double> before) {
		boolean decayed = before != null
				&& now.entrySet().stream().anyMatch((e) -> e.getValue() < before.getOrDefault(e.getKey(), 0.0));
		for (Map.Entry<Double, Double> bucket : now.entrySet()) {
			double previous = (before != null && !decayed) ? before.getOrDefault(bucket.getKey(), 0.0) : 0.0;
			interval.merge(bucket.getKey(), bucket.getValue() - previous, Double::sum);
		}
	}

	/**
	 * The 99th percentile (ns) of cumulative bucket counts, interpolated within its
	 * bucket as Prometheus's histogram_quantile does; 0 without any request. Beyond the
	 * last bucket, the last bound.
	 */
	static double p99(NavigableMap<Double, Double> cumulative) {
		if (cumulative.isEmpty() || cumulative.lastEntry().getValue() <= 0) {
			return 0;
		}
		double rank = 0.99 * cumulative.lastEntry().getValue();
		double lowerBound = 0;
		double lowerCount = 0;
		for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
			if (bucket.getValue() >= rank) {
				double inBucket = bucket.getValue() - lowerCount;
				double fraction = (inBucket > 0) ? (rank - lowerCount) / inBucket : 1;
				return lowerBound + (bucket.getKey() - lowerBound) * fraction;
			}
			lowerBound = bucket.getKey();
			lowerCount = bucket.getValue();
		}
		return lowerBound;
	}

	private double sumCounters(String name, boolean skipOwnTopic) {
		double sum = 0;
		for (Counter counter : this.registry.find(name).counters()) {
			if (!skipOwnTopic || !this.ownTopic.equals(counter.getId().getTag("topic"))) {
				sum += counter.count();
			}
		}
		return sum;
	}

	/**
	 * One sample per group whose backlog the broker reported anew since the last one: the
	 * library asks the broker every {@code mqlab.messaging.backlog-interval} (10 s), less
	 * often than the agent samples (5 s), and a figure sent twice would read as no growth
	 * in between, so a "backlog rising" rule would never hold for its period.
	 */
	private void backlogs(List<Sample> samples) {
		int added = 0;
		Map<String, Long> reported = new HashMap<>();
		for (Gauge gauge : this.registry.find("mqlab.consumer.backlog").gauges()) {
			double value = gauge.value();
			String topic = gauge.getId().getTag("topic");
			String group = gauge.getId().getTag("group");
			if (Double.isNaN(value) || topic == null || group == null || added >= MAX_BACKLOG_SERIES) {
				continue;
			}
			String series = topic + "\u0000" + group;
			long measuredAt = measuredAt(topic, group);
			reported.put(series, measuredAt);
			Long before = this.backlogMeasuredAt.get(series);
			if (before == null || measuredAt - before > SAME_MEASUREMENT_MILLIS) {
				samples.add(new Sample("consumer.backlog", value, Map.of("topic", topic, "group", group)));
				added++;
			}
			else {
				reported.put(series, before);
			}
		}
		this.backlogMeasuredAt = reported;
	}

	/**
	 * When the broker reported the group's backlog, by the library's age gauge; now when
	 * there is no such gauge (every sample is then a new one).
	 */
	private long measuredAt(String topic, String group) {
		Gauge age = this.registry.find("mqlab.consumer.backlog.age").tags("topic", topic, "group", group).gauge();
		long now = System.currentTimeMillis();
		double seconds = (age != null) ? age.value() : Double.NaN;
		return Double.isNaN(seconds) ? now : now - Math.round(seconds * 1000);
	}

	private static void add(List<Sample> samples, String name, double value) {
		OshiSystemMetrics.add(samples, name, value);
	}

}
