/**
 * The rules of the monitoring service in plain Java, with no framework: window
 * assignment, rollup math and alert evaluation. Every engine (the messaging listener
 * today, a Flink job later) calls these and only stores what they return.
 */
package io.mqlab.monitoring.rules;
