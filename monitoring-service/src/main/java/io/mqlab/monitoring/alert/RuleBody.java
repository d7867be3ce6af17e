package io.mqlab.monitoring.alert;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.mqlab.monitoring.rules.AlertRule;
import io.mqlab.monitoring.rules.Kind;
import io.mqlab.monitoring.rules.Op;
import io.mqlab.support.Problems.FieldError;

import org.springframework.boot.context.properties.bind.Name;
import org.springframework.boot.convert.DurationStyle;

/**
 * A rule as written in configuration and over REST:
 * {@code {"name": "threads-high", "metric": "process.threads", "op": ">", "threshold": 200,
 * "for": "30s", "match": {"service": "order-service"}, "severity": "warning", "kind":
 * "threshold"}}, optionally with {@code margin} and {@code clear} (hysteresis) and
 * {@code webhooks} (names from configuration; default all).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleBody(String name, String metric, String op, Double threshold,
		@JsonProperty("for") @Name("for") String forPeriod, Map<String, String> match, String severity, String kind,
		Double margin, String clear, List<String> webhooks) {

	static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

	static final Pattern METRIC = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

	static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

	static final Pattern PERCENTILE = Pattern.compile(".*\\.p\\d{1,3}(\\.\\d+)?");

	static final Set<String> SEVERITIES = Set.of("info", "warning", "critical");

	static final Duration MAX_PERIOD = Duration.ofDays(1);

	/**
	 * What is wrong with the rule, each naming its field.
	 * @param webhooks the configured webhook names
	 */
	List<FieldError> errors(Set<String> webhooks) {
		List<FieldError> errors = new ArrayList<>();
		if (this.name == null || !NAME.matcher(this.name).matches()) {
			errors.add(new FieldError("name", "must be 1-64 lower-case letters, digits and _.- characters"));
		}
		if (this.metric == null || !METRIC.matcher(this.metric).matches()) {
			errors.add(new FieldError("metric", "must be a series name of 1-100 letters, digits and _.:- characters"));
		}
		Kind kind = (this.kind != null) ? Kind.of(this.kind) : Kind.THRESHOLD;
		if (kind == null) {
			errors.add(new FieldError("kind", "must be one of threshold, rate, percentile, growth, absence"));
		}
		if (kind != Kind.ABSENCE) {
			if (this.op == null || Op.of(this.op) == null) {
				errors.add(new FieldError("op", "must be one of >, >=, <, <="));
			}
			if (this.threshold == null || !Double.isFinite(this.threshold)) {
				errors.add(new FieldError("threshold", "must be a finite number"));
			}
		}
		if (kind == Kind.PERCENTILE && this.metric != null && !PERCENTILE.matcher(this.metric).matches()) {
			errors.add(new FieldError("metric", "a percentile rule needs a percentile series (e.g. http.latency.p99)"));
		}
		Duration period = duration(this.forPeriod, "for", (kind == Kind.ABSENCE) ? null : Duration.ZERO, errors);
		if (kind == Kind.ABSENCE && period != null && period.compareTo(Duration.ofSeconds(1)) < 0) {
			errors.add(new FieldError("for", "an absence rule needs a period of at least 1s"));
		}
		duration(this.clear, "clear", Duration.ZERO, errors);
		if (this.margin != null && (!Double.isFinite(this.margin) || this.margin < 0)) {
			errors.add(new FieldError("margin", "must be a number of at least 0"));
		}
		if (this.severity != null && !SEVERITIES.contains(this.severity)) {
			errors.add(new FieldError("severity", "must be one of info, warning, critical"));
		}
		if (this.match != null) {
			if (this.match.size() > 10) {
				errors.add(new FieldError("match", "at most 10 labels"));
			}
			this.match.forEach((label, value) -> {
				if (label == null || !LABEL.matcher(label).matches()) {
					errors.add(new FieldError("match", "label names are 1-64 letters, digits and _.:- characters"));
				}
				else if (value == null || value.isEmpty() || value.length() > 200) {
					errors.add(new FieldError("match." + label, "must be 1-200 characters"));
				}
			});
		}
		if (this.webhooks != null) {
			if (this.webhooks.size() > 10) {
				errors.add(new FieldError("webhooks", "at most 10"));
			}
			for (int i = 0; i < this.webhooks.size(); i++) {
				String name = this.webhooks.get(i);
				if (name == null || !webhooks.contains(name)) {
					errors.add(new FieldError("webhooks[" + i + "]",
							"must name a webhook in configuration (mqlab.monitoring.webhooks.<name>)"));
				}
			}
		}
		return errors;
	}

	/**
	 * The checked rule (call after {@link #errors} found none).
	 * @param defaultMargin the margin as a fraction of the threshold when none is given
	 * @param allWebhooks the webhooks notified when the rule names none
	 */
	AlertRule toRule(double defaultMargin, Set<String> allWebhooks) {
		Kind kind = (this.kind != null) ? Kind.of(this.kind) : Kind.THRESHOLD;
		double threshold = (this.threshold != null) ? this.threshold : 0;
		Duration period = parse(this.forPeriod, Duration.ZERO);
		return new AlertRule(this.name, this.metric, (this.op != null) ? Op.of(this.op) : Op.GT, threshold, period,
				(this.match != null) ? this.match : Map.of(), (this.severity != null) ? this.severity : "warning", kind,
				(this.margin != null) ? this.margin : Math.abs(threshold) * defaultMargin, parse(this.clear, period),
				(this.webhooks != null) ? this.webhooks : List.copyOf(allWebhooks));
	}

	/** The rule as stored and shown: defaults spelled out. */
	static RuleBody of(AlertRule rule) {
		return new RuleBody(rule.name(), rule.metric(), rule.op().symbol(), rule.threshold(), text(rule.forPeriod()),
				new LinkedHashMap<>(rule.match()), rule.severity(), rule.kind().id(), rule.margin(), text(rule.clear()),
				rule.webhooks());
	}

	/** The shortest exact form: 30s, 2m, 1500ms. */
	static String text(Duration duration) {
		long millis = duration.toMillis();
		long[] sizes = { 86_400_000, 3_600_000, 60_000, 1000 };
		String[] units = { "d", "h", "m", "s" };
		for (int i = 0; i < sizes.length; i++) {
			if (millis != 0 && millis % sizes[i] == 0) {
				return (millis / sizes[i]) + units[i];
			}
		}
		return (millis == 0) ? "0s" : millis + "ms";
	}

	private static Duration duration(String text, String field, Duration fallback, List<FieldError> errors) {
		if (text == null) {
			if (fallback == null) {
				errors.add(new FieldError(field, "is required, e.g. 30s"));
			}
			return fallback;
		}
		try {
			Duration duration = DurationStyle.SIMPLE.parse(text);
			if (duration.isNegative() || duration.compareTo(MAX_PERIOD) > 0) {
				errors.add(new FieldError(field, "must be between 0s and 1d"));
			}
			return duration;
		}
		catch (RuntimeException ex) {
			// unreadable, or too large for a Duration
			errors.add(new FieldError(field, "must be a duration such as 500ms, 30s, 5m or 1h"));
			return null;
		}
	}

	private static Duration parse(String text, Duration fallback) {
		return (text != null) ? DurationStyle.SIMPLE.parse(text) : fallback;
	}

}
