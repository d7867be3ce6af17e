package io.mqlab.bench.nativetool;

import java.util.List;
import java.util.Map;

import io.mqlab.bench.workload.Latency;

/**
 * What a broker's own benchmark tool measured, as it reports it.
 *
 * @param tool the tool
 * @param mode how it ran (concurrently, or produce then consume)
 * @param drainsBacklog whether its consumers read a backlog produced before them (its
 * consume figure then compares with mqlab's backlog phase)
 * @param messages messages it sent
 * @param publishPerSec messages sent per second
 * @param consumePerSec messages consumed per second
 * @param latencyMs latency percentiles the tool reports ({@code null} where it reports
 * none)
 * @param latencyKind what that latency measures
 * @param lost messages sent but not consumed, where it can be told
 * @param duplicates not checked by any of the tools: {@code null}
 * @param orderViolations not checked by any of the tools: {@code null}
 * @param settings the tool's settings that matter for the comparison
 * @param commands the command lines run
 * @param error why it failed, or {@code null}
 */
public record NativeResult(String tool, String mode, boolean drainsBacklog, long messages, double publishPerSec,
		double consumePerSec, Latency latencyMs, String latencyKind, Long lost, Long duplicates, Long orderViolations,
		Map<String, Object> settings, List<String> commands, String error) {

	static NativeResult failed(String tool, Map<String, Object> settings, List<String> commands, Exception error) {
		return new NativeResult(tool, null, false, 0, 0, 0, Latency.NONE, null, null, null, null, settings, commands,
				(error.getMessage() != null) ? error.getClass().getSimpleName() + ": " + error.getMessage()
						: error.toString());
	}

	static double round(double value) {
		return Math.round(value * 10) / 10.0;
	}

}
