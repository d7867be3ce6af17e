package io.mqlab.monitoring.rules;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An alert rule, checked: the metric's samples that match the labels are compared with
 * the threshold; held for {@code forPeriod} the alert fires; it resolves once the value
 * stayed beyond the threshold by the margin for {@code clear}.
 *
 * @param name unique name
 * @param metric the series name, e.g. {@code process.threads}
 * @param op the comparison
 * @param threshold the value compared with
 * @param forPeriod how long the condition holds before the alert fires (absence: how long
 * without samples)
 * @param match labels a series must have (service, instance, host or the sample's own)
 * @param severity free text, passed on in notifications
 * @param kind what is compared
 * @param margin hysteresis: the alert resolves only beyond the threshold by this much
 * @param clear hysteresis: ... held for this long
 * @param webhooks the configured webhooks notified
 */
public record AlertRule(String name, String metric, Op op, double threshold, Duration forPeriod,
		Map<String, String> match, String severity, Kind kind, double margin, Duration clear, List<String> webhooks) {

	public AlertRule {
		match = Map.copyOf(match);
		webhooks = List.copyOf(webhooks);
	}

}
