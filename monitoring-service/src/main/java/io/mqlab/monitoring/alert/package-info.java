/**
 * Alerting: rules in configuration and over REST, their evaluation on every sample batch
 * (absence on a timer), alert states and transitions in Redis, the relay that publishes
 * each transition once to {@code alerts}, the notifier that calls webhooks, and silences.
 */
package io.mqlab.monitoring.alert;
