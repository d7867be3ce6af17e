package io.mqlab.bench.workload;

import java.util.List;

/**
 * The figures of one phase of an mqlab run.
 *
 * @param name {@code warm-up}, {@code max-throughput}, {@code fixed-rate} or
 * {@code backlog}
 * @param messages messages the phase meant to publish
 * @param targetRate the fixed rate in messages per second, {@code null} for as fast as
 * possible
 * @param published messages the broker confirmed
 * @param delivered distinct messages handled
 * @param publishPerSec confirmed messages per second, from the phase's start to the last
 * confirm
 * @param consumePerSec distinct deliveries per second, from the phase's start (from the
 * first delivery in the {@code backlog} phase) to the last delivery
 * @param seconds how long the phase took until its last confirm or delivery
 * @param latencyMs end-to-end latency: from the (scheduled) send to the handler
 * @param sendLagMs fixed-rate phase only: how late the producers sent after the schedule
 * (included in the latency), {@code null} otherwise
 * @param lost confirmed messages never handled
 * @param duplicates deliveries of a message handled before
 * @param orderViolations messages handled after a later message of their key
 * @param errors failed publishes and unexpected deliveries
 * @param latencyCurve latency by percentile, for the chart
 */
public record PhaseResult(String name, int messages, Integer targetRate, long published, long delivered,
		double publishPerSec, double consumePerSec, double seconds, Latency latencyMs, Latency sendLagMs, long lost,
		long duplicates, long orderViolations, long errors, List<Latency.PercentilePoint> latencyCurve) {

}
