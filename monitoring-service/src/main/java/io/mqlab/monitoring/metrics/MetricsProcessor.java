package io.mqlab.monitoring.metrics;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.monitoring.MonitoringSettings;
import io.mqlab.monitoring.alert.AlertEngine;
import io.mqlab.monitoring.metrics.RedisMetrics.Applied;
import io.mqlab.monitoring.metrics.RedisMetrics.Outcome;
import io.mqlab.monitoring.metrics.RedisMetrics.Point;
import io.mqlab.monitoring.metrics.RedisMetrics.Resolution;
import io.mqlab.monitoring.rules.MonitoringRules;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * The processing step both engines run on each sample batch from {@code metrics}: rolls
 * it up into Redis and hands it to the alert rules. Batches are keyed by instance, so one
 * instance's batches are handled one after the other (the messaging engine's listener,
 * {@link MetricsListener}, or the Flink job's operator keyed by instance).
 * <p>
 * A batch without instance or time cannot be placed anywhere: {@link #check} fails and
 * the batch ends in the dead letters. Single samples that cannot be stored (a bad name or
 * label, no finite value) are dropped and counted in
 * {@code monitoring.samples{outcome=invalid}}.
 */
@Component
public class MetricsProcessor {

	static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

	static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

	static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");

	static final int MAX_LABELS = 10;

	static final int MAX_LABEL_VALUE = 200;

	private final RedisMetrics metrics;

	private final AlertEngine alerts;

	private final MonitoringSettings settings;

	private final Clock clock;

	private final MeterRegistry registry;

	MetricsProcessor(RedisMetrics metrics, AlertEngine alerts, MonitoringSettings settings, Clock clock,
			MeterRegistry registry) {
		this.metrics = metrics;
		this.alerts = alerts;
		this.settings = settings;
		this.clock = clock;
		this.registry = registry;
	}

	/**
	 * The processing step outside a Spring context (the Flink job on a cluster), on the
	 * same Redis keys.
	 */
	public static MetricsProcessor standalone(StringRedisTemplate redis, MonitoringSettings settings, Clock clock,
			MeterRegistry registry) {
		RedisMetrics metrics = new RedisMetrics(redis, settings, clock);
		return new MetricsProcessor(metrics, AlertEngine.standalone(redis, metrics, settings, clock, registry),
				settings, clock, registry);
	}

	/** Rolls a batch up and evaluates the rules on it; a redelivery changes nothing. */
	public void process(MetricsSampled batch) {
		MetricsSampled checked = check(batch);
		if (checked.at().isAfter(this.clock.instant().plus(this.settings.maxClockSkew()))) {
			count("batches", "future");
			return;
		}
		List<Point> points = points(checked);
		Applied applied = this.metrics.apply(checked, points);
		count("batches", applied.outcome().name().toLowerCase());
		if (applied.outcome() == Outcome.TOO_MANY_INSTANCES) {
			return;
		}
		if (applied.outcome() == Outcome.APPLIED) {
			this.registry.counter("monitoring.samples", "outcome", "applied").increment(points.size());
			applied.late()
				.forEach((resolution, late) -> this.registry
					.counter("monitoring.samples", "outcome",
							(resolution == Resolution.TEN_SECONDS) ? "late-10s" : "late-1m")
					.increment(late));
			this.registry.counter("monitoring.samples", "outcome", "too-many-series")
				.increment(applied.droppedSeries());
		}
		// a redelivery too: the rules ignore samples they have taken already
		this.alerts.observe(checked, points);
	}

	/** The batch with defaults filled in, or an exception when it cannot be placed. */
	public static MetricsSampled check(MetricsSampled batch) {
		if (batch == null || batch.instance() == null || !INSTANCE.matcher(batch.instance()).matches()) {
			throw new IllegalArgumentException(
					"A sample batch needs an instance id of 1-200 letters, digits and _.:- characters");
		}
		if (batch.at() == null) {
			throw new IllegalArgumentException("A sample batch needs a time (at): " + batch.instance());
		}
		return new MetricsSampled(text(batch.service(), "unknown"), batch.instance(), text(batch.host(), "unknown"),
				(batch.pid() != null) ? batch.pid() : 0L, batch.at(),
				(batch.intervalSeconds() != null) ? batch.intervalSeconds() : 0,
				(batch.samples() != null) ? batch.samples() : List.of());
	}

	private List<Point> points(MetricsSampled batch) {
		List<Point> points = new ArrayList<>();
		int invalid = 0;
		for (MetricsSampled.Sample sample : batch.samples()) {
			if (points.size() == this.settings.maxSamplesPerBatch() || !valid(sample)) {
				invalid++;
				continue;
			}
			Map<String, String> labels = (sample.labels() != null) ? Map.copyOf(sample.labels()) : Map.of();
			points
				.add(new Point(MonitoringRules.seriesId(sample.name(), labels), sample.name(), labels, sample.value()));
		}
		if (invalid > 0) {
			this.registry.counter("monitoring.samples", "outcome", "invalid").increment(invalid);
		}
		return points;
	}

	private static boolean valid(MetricsSampled.Sample sample) {
		if (sample == null || sample.name() == null || !NAME.matcher(sample.name()).matches() || sample.value() == null
				|| !Double.isFinite(sample.value())) {
			return false;
		}
		if (sample.labels() == null) {
			return true;
		}
		if (sample.labels().size() > MAX_LABELS) {
			return false;
		}
		for (Map.Entry<String, String> label : sample.labels().entrySet()) {
			if (label.getKey() == null || !LABEL.matcher(label.getKey()).matches() || label.getValue() == null
					|| label.getValue().length() > MAX_LABEL_VALUE) {
				return false;
			}
		}
		return true;
	}

	private static String text(String value, String fallback) {
		return (value == null || value.isBlank()) ? fallback : value.substring(0, Math.min(200, value.length()));
	}

	private void count(String what, String outcome) {
		this.registry.counter("monitoring." + what, "outcome", outcome).increment();
	}

}
