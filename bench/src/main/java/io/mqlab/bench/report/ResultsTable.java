package io.mqlab.bench.report;

import java.util.ArrayList;
import java.util.List;

import io.mqlab.bench.mqlab.MqlabResult;
import io.mqlab.bench.nativetool.NativeResult;
import io.mqlab.bench.workload.Latency;

/**
 * The two tables of the reports as rows of cells, rendered by the Markdown and the HTML
 * report alike.
 */
final class ResultsTable {

	static final List<String> RESULTS_HEADER = List.of("backend", "mqlab publish/s", "mqlab consume/s",
			"mqlab backlog publish/s", "mqlab backlog drain/s", "native publish/s", "native consume/s",
			"mqlab ÷ native", "p50 ms", "p95 ms", "p99 ms", "p99.9 ms", "max ms", "send lag p99 ms", "lost",
			"duplicates", "order violations", "errors");

	static final List<String> NATIVE_HEADER = List.of("backend", "tool", "mode", "native latency p50 / p95 / p99 ms",
			"the tool's latency measures", "not consumed");

	private ResultsTable() {
	}

	static List<List<String>> results(List<BackendResult> backends) {
		List<List<String>> rows = new ArrayList<>();
		for (BackendResult backend : backends) {
			MqlabResult mqlab = backend.mqlab();
			NativeResult baseline = backend.baseline();
			boolean nativeOk = baseline != null && baseline.error() == null;
			Latency latency = mqlab.latencyMs();
			List<String> row = new ArrayList<>();
			row.add(backend.name());
			if (mqlab.error() != null) {
				row.add("failed: " + mqlab.error());
				row.add("");
				row.add("");
				row.add("");
			}
			else {
				row.add(Format.rate(mqlab.publishPerSec()));
				row.add(Format.rate(mqlab.consumePerSec()));
				row.add(Format.rate(mqlab.backlogPublishPerSec()));
				row.add(Format.rate(mqlab.drainPerSec()));
			}
			row.add(nativeOk ? Format.rate(baseline.publishPerSec()) : Format.NONE);
			row.add(nativeOk ? Format.rate(baseline.consumePerSec()) : Format.NONE);
			row.add(Format.ratio(backend.ratio())
					+ (backend.ratioBasis() != null ? " (" + backend.ratioBasis() + ")" : ""));
			row.add(Format.ms(latency.p50()));
			row.add(Format.ms(latency.p95()));
			row.add(Format.ms(latency.p99()));
			row.add(Format.ms(latency.p999()));
			row.add(Format.ms(latency.max()));
			row.add((mqlab.sendLagMs() != null) ? Format.ms(mqlab.sendLagMs().p99()) : Format.NONE);
			row.add(Format.count(mqlab.lost()));
			row.add(Format.count(mqlab.duplicates()));
			row.add(Format.count(mqlab.orderViolations()));
			row.add(Format.count(mqlab.errors()));
			rows.add(row);
		}
		return rows;
	}

	static List<List<String>> natives(List<BackendResult> backends) {
		List<List<String>> rows = new ArrayList<>();
		for (BackendResult backend : backends) {
			NativeResult baseline = backend.baseline();
			if (baseline == null) {
				continue;
			}
			if (baseline.error() != null) {
				rows.add(List.of(backend.name(), baseline.tool(), "failed: " + baseline.error(), "", "", ""));
				continue;
			}
			Latency latency = baseline.latencyMs();
			rows.add(List.of(backend.name(), baseline.tool(), baseline.mode(),
					Format.ms(latency.p50()) + " / " + Format.ms(latency.p95()) + " / " + Format.ms(latency.p99()),
					baseline.latencyKind(), Format.count(baseline.lost())));
		}
		return rows;
	}

}
