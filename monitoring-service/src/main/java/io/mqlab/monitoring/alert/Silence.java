package io.mqlab.monitoring.alert;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.mqlab.monitoring.rules.MonitoringRules;

/**
 * Mutes the notifications of matching alerts until it ends (their states still change and
 * show).
 *
 * @param id its id
 * @param match labels an alert must have (alertname is the rule's name)
 * @param startsAt when it was created
 * @param endsAt when it ends
 * @param comment why, for people
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record Silence(String id, Map<String, String> match, Instant startsAt, Instant endsAt, String comment) {

	boolean mutes(Map<String, String> labels, Instant now) {
		return !now.isBefore(this.startsAt) && now.isBefore(this.endsAt) && MonitoringRules.matches(this.match, labels);
	}

}
