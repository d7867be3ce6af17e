package io.mqlab.bench.nativetool;

import java.nio.file.Path;

import io.mqlab.bench.Brokers;
import io.mqlab.bench.Tuning;
import io.mqlab.bench.workload.Workload;

/**
 * What a native tool run needs.
 *
 * @param workload the workload mqlab ran
 * @param tuning the knobs mqlab ran with
 * @param brokers where the brokers are
 * @param dir where the tool's logs and scripts go
 * @param runId names the tool's own topic, queue, stream or table
 * @param jars where the Java tools' jars are
 */
public record NativeRun(Workload workload, Tuning tuning, Brokers brokers, Path dir, String runId, ToolJars jars) {

	/** Messages per producer or consumer, rounded up: the tools count per client. */
	static int perClient(long messages, int clients) {
		return (int) ((messages + clients - 1) / clients);
	}

}
