package io.mqlab.monitoring.alert;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * An alert changed state (fired or resolved): published once per transition to
 * {@code alerts}. Consumers dedupe on {@code dedupKey} (the message id is derived from it
 * too): a relay that crashed after publishing sends it again under the same key.
 *
 * @param dedupKey rule, alert and transition sequence: unique per transition
 * @param rule the rule's name
 * @param alert the alert's key: instance and series
 * @param labels the alert's labels (alertname, severity, service, instance, host, metric
 * and the series' own)
 * @param from the phase before
 * @param to the phase after ({@code FIRING} or {@code RESOLVED})
 * @param seq the transition's sequence number within the alert
 * @param at when it happened
 * @param value the value that caused it, or {@code null}
 * @param severity the rule's severity
 * @param summary one line for people
 * @param webhooks the configured webhooks to notify
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AlertTransitioned(String dedupKey, String rule, String alert, Map<String, String> labels, String from,
		String to, long seq, Instant at, Double value, String severity, String summary, List<String> webhooks) {

}
