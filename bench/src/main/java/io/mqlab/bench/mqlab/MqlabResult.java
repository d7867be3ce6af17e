package io.mqlab.bench.mqlab;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.mqlab.bench.workload.BacklogPoint;
import io.mqlab.bench.workload.Latency;
import io.mqlab.bench.workload.PhaseResult;

/**
 * What mqlab did on one backend. Throughput comes from the max-throughput phase, latency
 * from the fixed-rate phase (or the max-throughput phase when there is none), delivery
 * figures from all measured phases together.
 *
 * @param publishPerSec confirmed publishes per second
 * @param consumePerSec distinct deliveries per second, producers and consumers at once
 * @param drainPerSec distinct deliveries per second draining a backlog (the backlog
 * phase)
 * @param backlogPublishPerSec confirmed publishes per second with no consumer (the
 * backlog phase)
 * @param latencyMs end-to-end latency percentiles
 * @param latencyPhase the phase the latency comes from
 * @param sendLagMs how late the fixed-rate producers sent (part of the latency), or
 * {@code null}
 * @param published messages the broker confirmed
 * @param delivered distinct messages handled
 * @param lost confirmed messages never handled
 * @param duplicates deliveries of a message already handled
 * @param orderViolations messages handled after a later one of the same key
 * @param errors failed publishes and unexpected deliveries
 * @param topic the topic used
 * @param properties the properties the backend's context was started with
 * @param phases every phase, the warm-up included
 * @param backlog backlog over time
 * @param error why the run failed, or {@code null}
 */
public record MqlabResult(double publishPerSec, double consumePerSec, double drainPerSec, double backlogPublishPerSec,
		Latency latencyMs, String latencyPhase, Latency sendLagMs, long published, long delivered, long lost,
		long duplicates, long orderViolations, long errors, String topic, Map<String, Object> properties,
		List<PhaseResult> phases, List<BacklogPoint> backlog, String error) {

	static MqlabResult failed(String topic, Map<String, Object> properties, List<PhaseResult> phases,
			List<BacklogPoint> backlog, Exception error) {
		return new MqlabResult(0, 0, 0, 0, Latency.NONE, null, null, 0, 0, 0, 0, 0, 0, topic, properties, phases,
				backlog, error.toString());
	}

	static MqlabResult of(String topic, Map<String, Object> properties, List<PhaseResult> phases,
			List<BacklogPoint> backlog, long strays) {
		List<PhaseResult> measured = phases.stream().filter((phase) -> !phase.name().equals("warm-up")).toList();
		PhaseResult throughput = phase(measured, "max-throughput").orElseThrow();
		PhaseResult latency = phase(measured, "fixed-rate").orElse(throughput);
		PhaseResult drain = phase(measured, "backlog").orElseThrow();
		return new MqlabResult(throughput.publishPerSec(), throughput.consumePerSec(), drain.consumePerSec(),
				drain.publishPerSec(), latency.latencyMs(), latency.name(), latency.sendLagMs(),
				sum(measured, PhaseResult::published), sum(measured, PhaseResult::delivered),
				sum(phases, PhaseResult::lost), sum(phases, PhaseResult::duplicates),
				sum(phases, PhaseResult::orderViolations), sum(phases, PhaseResult::errors) + strays, topic, properties,
				phases, backlog, null);
	}

	private static Optional<PhaseResult> phase(List<PhaseResult> phases, String name) {
		return phases.stream().filter((phase) -> phase.name().equals(name)).findFirst();
	}

	private static long sum(List<PhaseResult> phases, java.util.function.ToLongFunction<PhaseResult> figure) {
		return phases.stream().mapToLong(figure).sum();
	}

}
