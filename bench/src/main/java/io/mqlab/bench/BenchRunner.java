package io.mqlab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.mqlab.bench.mqlab.MqlabBenchmark;
import io.mqlab.bench.mqlab.MqlabResult;
import io.mqlab.bench.nativetool.NativeBenchmark;
import io.mqlab.bench.nativetool.NativeResult;
import io.mqlab.bench.nativetool.NativeRun;
import io.mqlab.bench.nativetool.ToolJars;
import io.mqlab.bench.report.BackendResult;
import io.mqlab.bench.report.BenchReport;
import io.mqlab.bench.report.ReportWriter;
import io.mqlab.bench.workload.Workload;
import io.mqlab.messaging.Backend;

/**
 * Runs the bench: for each backend, mqlab in a context of its own, then the broker's own
 * tool with the same workload; the reports are rewritten after every backend.
 */
public final class BenchRunner {

	private final BenchSettings settings;

	private final ToolJars jars;

	public BenchRunner(BenchSettings settings, ProjectPaths paths) {
		this.settings = settings;
		this.jars = new ToolJars(paths);
	}

	public BenchReport run() throws IOException {
		String runId = runId();
		String startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
		Workload workload = this.settings.workload();
		Progress.say("bench: run " + runId + " on " + this.settings.backends().stream().map(Backend::id).toList() + ", "
				+ workload.messages() + " messages of " + workload.size() + " bytes, " + workload.keys() + " keys, "
				+ workload.producers() + " producers, " + workload.consumers() + " consumers" + ((workload.rate() > 0)
						? ", then " + workload.rate() + " msg/s for " + workload.duration().toMillis() + " ms" : ""));
		List<BackendResult> results = new ArrayList<>();
		for (Backend backend : this.settings.backends()) {
			Progress.say("");
			Progress.say("== " + backend.id());
			MqlabResult mqlab = new MqlabBenchmark(this.settings).run(backend, runId);
			if (mqlab.error() == null) {
				Progress.say(backend.id(),
						String.format(Locale.ROOT,
								"mqlab: publish %,.0f/s, consume %,.0f/s, p99 %s ms, lost %d, duplicates %d, "
										+ "order violations %d, errors %d",
								mqlab.publishPerSec(), mqlab.consumePerSec(), mqlab.latencyMs().p99(), mqlab.lost(),
								mqlab.duplicates(), mqlab.orderViolations(), mqlab.errors()));
			}
			NativeResult baseline = this.settings.runNative() ? runNative(backend, runId) : null;
			BackendResult result = BackendResult.of(backend.id(), backendSettings(backend), mqlab, baseline);
			results.add(result);
			if (result.ratio() != null) {
				Progress.say(backend.id(), "mqlab ÷ native consume throughput: " + ReportWriter.ratio(result.ratio()));
			}
			ReportWriter.write(report(runId, startedAt, null, results), this.settings.out());
		}
		BenchReport report = report(runId, startedAt, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
				results);
		ReportWriter.write(report, this.settings.out());
		Progress.say("");
		Progress.say(ReportWriter.resultsTable(results));
		Progress.say("mqlab's share of the native consume throughput (mqlab ÷ native): " + shares(results));
		Progress.say("Reports: " + this.settings.out().resolve(ReportWriter.JSON) + ", "
				+ this.settings.out().resolve(ReportWriter.MARKDOWN) + ", "
				+ this.settings.out().resolve(ReportWriter.HTML));
		return report;
	}

	private NativeResult runNative(Backend backend, String runId) throws IOException {
		NativeBenchmark tool = NativeBenchmark.of(backend);
		Path dir = Files.createDirectories(this.settings.out().resolve("native").resolve(backend.id()));
		NativeResult result = tool.run(new NativeRun(this.settings.workload(), this.settings.tuning(),
				this.settings.brokers(), dir, runId, this.jars));
		if (result.error() != null) {
			Progress.say(backend.id(), "native: " + tool.tool() + " failed: " + result.error());
		}
		else {
			Progress.say(backend.id(), String.format(Locale.ROOT, "native: publish %,.0f/s, consume %,.0f/s (%s)",
					result.publishPerSec(), result.consumePerSec(), result.tool()));
		}
		return result;
	}

	private static String shares(List<BackendResult> results) {
		List<String> shares = new ArrayList<>();
		for (BackendResult result : results) {
			shares.add(result.name() + " " + ReportWriter.ratio(result.ratio()));
		}
		return String.join(", ", shares);
	}

	private BenchReport report(String runId, String startedAt, String finishedAt, List<BackendResult> results) {
		Map<String, Object> machine = new LinkedHashMap<>();
		machine.put("cores", Runtime.getRuntime().availableProcessors());
		machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
		machine.put("java", System.getProperty("java.version"));
		return new BenchReport(runId, startedAt, finishedAt, machine, commonSettings(), List.copyOf(results));
	}

	/** The workload and knobs, the same for every backend. */
	private Map<String, Object> commonSettings() {
		Workload workload = this.settings.workload();
		Tuning tuning = this.settings.tuning();
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put("messages", workload.messages());
		settings.put("size", workload.size());
		settings.put("keys", workload.keys());
		settings.put("producers", workload.producers());
		settings.put("consumers", workload.consumers());
		settings.put("rate", workload.rate());
		settings.put("duration", workload.duration().toMillis() + "ms");
		settings.put("warmUp", this.settings.warmUp().toMillis() + "ms");
		settings.put("partitions", tuning.partitions());
		settings.put("lingerMs", tuning.lingerMs());
		settings.put("batchBytes", tuning.batchBytes());
		settings.put("prefetch", tuning.prefetch());
		settings.put("pipeline", tuning.pipeline());
		settings.put("pollBatch", tuning.pollBatch());
		settings.put("extra", tuning.extra());
		settings.put("stallTimeout", this.settings.stallTimeout().toMillis() + "ms");
		return settings;
	}

	/**
	 * The common settings plus the library properties the knobs became on this backend.
	 */
	private Map<String, Object> backendSettings(Backend backend) {
		Map<String, Object> settings = commonSettings();
		settings.put("properties", this.settings.tuning().springProperties(backend));
		return settings;
	}

	/** Short, and safe in topic, queue, stream and table names. */
	private static String runId() {
		return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
				+ Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
	}

}
