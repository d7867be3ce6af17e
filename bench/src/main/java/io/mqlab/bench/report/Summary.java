package io.mqlab.bench.report;

import java.util.Map;

/**
 * The lines that describe a run, shared by the Markdown and HTML reports.
 */
final class Summary {

	static final String LEGEND = "Throughput: mqlab's max-throughput phase (confirmed publishes and distinct "
			+ "deliveries per second, producers and consumers at once, after a warm-up) and its backlog phase "
			+ "(publishes with no consumer, then the consumers drain the backlog, counted from their first delivery "
			+ "to their last); native: as the broker's own tool reports it (see below). mqlab ÷ native compares "
			+ "consume throughput in the native tool's mode: the backlog drain where the tool consumes a backlog "
			+ "(Kafka, Redis, PostgreSQL), producers and consumers at once where it runs both together "
			+ "(RabbitMQ PerfTest). Latency: mqlab end to "
			+ "end, from the scheduled send to the handler, in the fixed-rate phase (the max-throughput phase when "
			+ "there is none); send lag: how late the fixed-rate producers sent after their schedule, a part of that "
			+ "latency owed to the producer side (CPU, or waiting for the confirm of the key's previous message). lost: confirmed but never handled; duplicates: handled again; order violations: "
			+ "handled after a later message of the same key; errors: failed publishes and stray deliveries.";

	private Summary() {
	}

	static String runLine(BenchReport report) {
		Map<String, Object> machine = report.machine();
		return "Run `" + report.runId() + "`, " + report.startedAt() + " to "
				+ ((report.finishedAt() != null) ? report.finishedAt() : "(running)") + ", on " + machine.get("cores")
				+ " cores, " + machine.get("os") + ", Java " + machine.get("java") + ".";
	}

	static String workloadLine(Map<String, Object> settings) {
		Object rate = settings.get("rate");
		String fixedRate = (rate instanceof Number number && number.intValue() > 0)
				? "; fixed-rate phase at " + rate + " msg/s for " + settings.get("duration") : "; no fixed-rate phase";
		return "Workload: " + settings.get("messages") + " messages of " + settings.get("size") + " bytes over "
				+ settings.get("keys") + " keys, " + settings.get("producers") + " producers, "
				+ settings.get("consumers") + " consumers in one group" + fixedRate + ". Knobs: partitions "
				+ settings.get("partitions") + ", linger.ms " + settings.get("lingerMs") + ", batch.size "
				+ settings.get("batchBytes") + ", prefetch " + settings.get("prefetch") + ", pipeline "
				+ settings.get("pipeline") + ", poll batch " + settings.get("pollBatch") + ".";
	}

}
