package io.mqlab.monitoring.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mqlab.monitoring.metrics.RedisMetrics.Resolution;
import io.mqlab.monitoring.rules.MonitoringRules;
import io.mqlab.monitoring.rules.Rollup;
import io.mqlab.support.Problems;
import io.mqlab.support.Problems.FieldError;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The instances and their series' rollups. */
@RestController
class MetricsController {

	static final int MAX_INSTANCES = 1000;

	static final int MAX_POINTS = 1000;

	static final int MAX_SERIES = 50;

	private final RedisMetrics metrics;

	private final Clock clock;

	MetricsController(RedisMetrics metrics, Clock clock) {
		this.metrics = metrics;
		this.clock = clock;
	}

	@GetMapping("/metrics/instances")
	Map<String, Object> instances() {
		return Map.of("instances", this.metrics.instances(MAX_INSTANCES));
	}

	/** One point: a window's (or step's) rollup. */
	record PointView(Instant t, long count, double min, double max, double avg, double last) {

		static PointView of(Rollup rollup) {
			return new PointView(Instant.ofEpochMilli(rollup.windowStart()), rollup.count(), rollup.min(), rollup.max(),
					rollup.avg(), rollup.last());
		}

	}

	/** One series of the instance with that name. */
	record SeriesView(String id, List<PointView> points) {

	}

	/**
	 * The rollups of an instance's series of one name (each label set a series), from the
	 * 10 s windows when the step is under a minute and they are still kept, else the 1
	 * min ones, merged into steps. Defaults: the last 15 minutes, a step that gives at
	 * most 180 points.
	 */
	@GetMapping("/metrics/series")
	ResponseEntity<Object> series(@RequestParam(required = false) String instance,
			@RequestParam(required = false) String name, @RequestParam(required = false) String from,
			@RequestParam(required = false) String to, @RequestParam(required = false) String step) {
		List<FieldError> errors = new ArrayList<>();
		if (instance == null || !MetricsProcessor.INSTANCE.matcher(instance).matches()) {
			errors.add(new FieldError("instance", "must be an instance id (GET /metrics/instances)"));
		}
		if (name == null || !MetricsProcessor.NAME.matcher(name).matches()) {
			errors.add(new FieldError("name", "must be a series name such as process.threads"));
		}
		Instant now = this.clock.instant();
		Instant earliest = now.minus(this.metrics.retention(Resolution.ONE_MINUTE)).minus(Duration.ofDays(1));
		Instant latest = now.plus(Duration.ofDays(1));
		Instant end = instant(to, "to", now, errors);
		if (end != null && (end.isBefore(earliest) || end.isAfter(latest))) {
			errors.add(new FieldError("to", "must be within what is kept, and at most a day ahead"));
			end = null;
		}
		Instant start = instant(from, "from", ((end != null) ? end : now).minus(Duration.ofMinutes(15)), errors);
		if (start != null && (start.isBefore(earliest) || start.isAfter(latest))) {
			errors.add(new FieldError("from", "must be within what is kept (the last "
					+ this.metrics.retention(Resolution.ONE_MINUTE).toDays() + " days)"));
			start = null;
		}
		if (start != null && end != null) {
			if (!start.isBefore(end)) {
				errors.add(new FieldError("from", "must be before to"));
			}
			else if (Duration.between(start, end).compareTo(this.metrics.retention(Resolution.ONE_MINUTE)) > 0) {
				errors.add(new FieldError("from",
						"at most " + this.metrics.retention(Resolution.ONE_MINUTE) + " before to (what is kept)"));
			}
		}
		Duration stepSize = null;
		if (step != null) {
			try {
				stepSize = DurationStyle.SIMPLE.parse(step);
			}
			catch (RuntimeException ex) {
				// unreadable, or too large for a Duration
				errors.add(new FieldError("step", "must be a duration such as 10s, 1m or 1h"));
			}
			if (stepSize != null && (stepSize.toMillis() % 10_000 != 0 || stepSize.isNegative() || stepSize.isZero())) {
				errors.add(new FieldError("step", "must be a positive multiple of 10s"));
				stepSize = null;
			}
		}
		if (errors.isEmpty()) {
			Duration range = Duration.between(start, end);
			if (stepSize == null) {
				long seconds = Math.max(10, (range.toSeconds() / 180 + 9) / 10 * 10);
				stepSize = Duration.ofSeconds(seconds);
			}
			if (range.toMillis() / stepSize.toMillis() > MAX_POINTS) {
				errors.add(new FieldError("step", "gives more than " + MAX_POINTS + " points: make it at least "
						+ Duration.ofSeconds(range.toSeconds() / MAX_POINTS + 10)));
			}
		}
		if (!errors.isEmpty()) {
			Object problem = Problems.validation(errors);
			return ResponseEntity.badRequest().body(problem);
		}
		Resolution resolution = (stepSize.compareTo(Duration.ofMinutes(1)) < 0
				&& !start.isBefore(now.minus(this.metrics.retention(Resolution.TEN_SECONDS)))) ? Resolution.TEN_SECONDS
						: Resolution.ONE_MINUTE;
		List<SeriesView> series = new ArrayList<>();
		for (String id : this.metrics.series(instance)) {
			if (series.size() == MAX_SERIES) {
				break;
			}
			if (id.equals(name) || id.startsWith(name + "{")) {
				List<Rollup> rollups = this.metrics.rollups(resolution, instance, id, start, end);
				series.add(new SeriesView(id,
						MonitoringRules.downsample(rollups, stepSize).stream().map(PointView::of).toList()));
			}
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("instance", instance);
		body.put("name", name);
		body.put("from", start);
		body.put("to", end);
		body.put("step", stepSize.toSeconds() + "s");
		body.put("resolution", resolution.size().toSeconds() + "s");
		body.put("series", series);
		return ResponseEntity.ok(body);
	}

	private static Instant instant(String text, String field, Instant fallback, List<FieldError> errors) {
		if (text == null) {
			return fallback;
		}
		try {
			return Instant.parse(text);
		}
		catch (DateTimeParseException ex) {
			errors.add(new FieldError(field, "must be an ISO-8601 instant such as 2026-12-04T15:00:00Z"));
			return null;
		}
	}

}
