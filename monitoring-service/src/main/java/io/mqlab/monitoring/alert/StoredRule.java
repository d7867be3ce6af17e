package io.mqlab.monitoring.alert;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A rule as kept in Redis.
 *
 * @param body the rule
 * @param createdAt when it was created (epoch ms): with the name, its identity
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record StoredRule(RuleBody body, long createdAt) {

	String id() {
		return this.body.name() + "@" + this.createdAt;
	}

}
