package io.mqlab.monitoring.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.mqlab.monitoring.rules.AlertState;
import io.mqlab.monitoring.rules.MonitoringRules;
import io.mqlab.monitoring.rules.Phase;

/**
 * An alert as the API and the page show it.
 *
 * @param rule the rule's name
 * @param alert instance and series
 * @param labels its labels
 * @param phase where it is
 * @param since when it got there
 * @param lastSampleAt the last sample taken into account
 * @param value the last value compared, or {@code null}
 * @param seq its notified transitions so far
 * @param stale whether it is active without samples for {@code stale-after}
 */
public record AlertView(String rule, String alert, Map<String, String> labels, Phase phase, Instant since,
		Instant lastSampleAt, Double value, long seq, boolean stale) {

	static AlertView of(StoredAlert alert, long now, Duration staleAfter) {
		AlertState state = alert.state();
		return new AlertView(alert.rule(), alert.alert(), alert.labels(), state.phase(),
				Instant.ofEpochMilli(state.since()), (state.lastAt() > 0) ? Instant.ofEpochMilli(state.lastAt()) : null,
				Double.isFinite(state.value()) ? state.value() : null, state.seq(),
				MonitoringRules.isStale(state, now, staleAfter));
	}

	/** Firing first, then pending, resolved; by rule and alert. */
	int order() {
		return switch (this.phase) {
			case FIRING -> 0;
			case PENDING -> 1;
			case RESOLVED -> 2;
			case INACTIVE -> 3;
		};
	}

}
