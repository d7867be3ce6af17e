package io.mqlab.bench.report;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.mqlab.bench.mqlab.MqlabResult;
import io.mqlab.bench.nativetool.NativeResult;

/**
 * One backend's results: mqlab's figures, the native tool's, and mqlab's share of the
 * native consume throughput.
 *
 * @param name the backend
 * @param settings the workload and knobs used on it
 * @param mqlab what mqlab did
 * @param baseline what the broker's own tool did ({@code native} in the JSON)
 * @param ratio mqlab ÷ native consume throughput in the same mode, {@code null} without a
 * native figure
 * @param ratioBasis which mqlab figure the ratio takes: {@code backlog} (mqlab's backlog
 * drain, where the native tool consumes a backlog) or {@code concurrent} (producers and
 * consumers at once, as PerfTest runs)
 */
public record BackendResult(String name, Map<String, Object> settings, MqlabResult mqlab,
		@JsonProperty("native") NativeResult baseline, Double ratio, String ratioBasis) {

	public static BackendResult of(String name, Map<String, Object> settings, MqlabResult mqlab,
			NativeResult baseline) {
		Double ratio = null;
		String basis = null;
		if (baseline != null && baseline.error() == null && baseline.consumePerSec() > 0 && mqlab.error() == null) {
			basis = baseline.drainsBacklog() ? "backlog" : "concurrent";
			double consumed = baseline.drainsBacklog() ? mqlab.drainPerSec() : mqlab.consumePerSec();
			ratio = Math.round(consumed / baseline.consumePerSec() * 10000) / 10000.0;
		}
		return new BackendResult(name, settings, mqlab, baseline, ratio, basis);
	}

}
