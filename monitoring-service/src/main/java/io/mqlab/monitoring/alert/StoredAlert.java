package io.mqlab.monitoring.alert;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.mqlab.monitoring.rules.AlertState;

/**
 * An alert's state as kept in Redis, with what it is about.
 *
 * @param rule the rule's name
 * @param ruleId the rule's name and creation time: a rule deleted and created again under
 * the same name starts new alerts, whose dedup keys differ from the old ones'
 * @param alert instance and series
 * @param labels the alert's labels
 * @param state the state
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record StoredAlert(String rule, String ruleId, String alert, Map<String, String> labels, AlertState state) {

	StoredAlert with(AlertState state) {
		return new StoredAlert(this.rule, this.ruleId, this.alert, this.labels, state);
	}

}
