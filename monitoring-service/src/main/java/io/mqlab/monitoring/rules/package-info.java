/**
 * The rules of the monitoring service in plain Java, with no framework: window
 * assignment, rollup math and alert evaluation. Both engines (the messaging listener and
 * the Flink job, through {@code MetricsProcessor}) call these and only store what they
 * return.
 */
package io.mqlab.monitoring.rules;
