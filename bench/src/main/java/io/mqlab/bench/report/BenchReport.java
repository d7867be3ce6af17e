package io.mqlab.bench.report;

import java.util.List;
import java.util.Map;

/**
 * Everything a run produced: what {@code results.json} holds and the other reports show.
 *
 * @param runId names the run's topics, queues, streams and tables
 * @param startedAt when the run started (ISO-8601)
 * @param finishedAt when it finished, or {@code null} while it runs
 * @param machine cores, operating system and Java of the machine
 * @param settings the workload and knobs, the same for every backend
 * @param backends one entry per backend, in the order they ran
 */
public record BenchReport(String runId, String startedAt, String finishedAt, Map<String, Object> machine,
		Map<String, Object> settings, List<BackendResult> backends) {

}
