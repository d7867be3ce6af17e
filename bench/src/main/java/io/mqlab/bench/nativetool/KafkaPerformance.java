package io.mqlab.bench.nativetool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mqlab.bench.Progress;
import io.mqlab.bench.workload.Latency;
import io.mqlab.bench.workload.Workload;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Kafka's own {@code ProducerPerformance} then {@code ConsumerPerformance} (kafka-tools
 * 4.2.1, child JVMs) on a topic of their own with the same partitions, durability
 * ({@code acks=all}, idempotent), linger, batch size and poll size as mqlab.
 */
final class KafkaPerformance implements NativeBenchmark {

	private static final Pattern PRODUCED = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec .*?, "
			+ "([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, ([\\d.]+) ms 50th, ([\\d.]+) ms 95th, "
			+ "([\\d.]+) ms 99th, ([\\d.]+) ms 99.9th");

	private static final Duration TIMEOUT = Duration.ofMinutes(10);

	@Override
	public String tool() {
		return "kafka-tools ProducerPerformance + ConsumerPerformance";
	}

	@Override
	public NativeResult run(NativeRun run) {
		String topic = "bench-native-kafka-" + run.runId();
		String bootstrap = run.brokers().kafkaBootstrap();
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put("partitions", run.tuning().partitions());
		settings.put("producers", 1);
		settings.put("consumers", 1);
		settings.put("acks", "all");
		settings.put("enable.idempotence", true);
		settings.put("linger.ms", run.tuning().lingerMs());
		settings.put("batch.size", run.tuning().batchBytes());
		settings.put("max.poll.records", run.tuning().pollBatch());
		settings.put("keys", "none (sticky partitioner)");
		List<String> commands = new ArrayList<>();
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
			admin.createTopics(List.of(new NewTopic(topic, run.tuning().partitions(), (short) 1)))
				.all()
				.get(30, TimeUnit.SECONDS);
			try {
				return measure(run, topic, bootstrap, settings, commands);
			}
			finally {
				admin.deleteTopics(List.of(topic));
			}
		}
		catch (Exception ex) {
			return NativeResult.failed(tool(), settings, commands, ex);
		}
	}

	private NativeResult measure(NativeRun run, String topic, String bootstrap, Map<String, Object> settings,
			List<String> commands) throws IOException {
		Workload workload = run.workload();
		Path libs = run.jars().kafka();
		Path log4j = write(run.dir().resolve("kafka-log4j2.properties"), "status = error\nrootLogger.level = warn\n");
		Path producerConfig = write(run.dir().resolve("kafka-producer.properties"),
				"acks=all\nenable.idempotence=true\nlinger.ms=" + run.tuning().lingerMs() + "\nbatch.size="
						+ run.tuning().batchBytes() + "\n");
		Path consumerConfig = write(run.dir().resolve("kafka-consumer.properties"),
				"max.poll.records=" + run.tuning().pollBatch() + "\nauto.offset.reset=earliest\n");
		List<String> jvm = List.of(ChildProcess.java(), "-Xmx512m", "-Dlog4j2.configurationFile=" + log4j, "-cp",
				ToolJars.classpath(libs));

		List<String> produce = new ArrayList<>(jvm);
		produce.addAll(List.of("org.apache.kafka.tools.ProducerPerformance", "--bootstrap-server", bootstrap, "--topic",
				topic, "--num-records", Integer.toString(workload.messages()), "--record-size",
				Integer.toString(workload.size()), "--throughput", "-1", "--command-config",
				producerConfig.toString()));
		commands.add(String.join(" ", produce));
		Progress.say("kafka", "native: ProducerPerformance, " + workload.messages() + " records");
		String produced = ChildProcess.run(produce, run.dir().resolve("kafka-producer-performance.log"), TIMEOUT);
		Matcher p = PRODUCED.matcher(produced);
		if (!p.find()) {
			throw new IOException("No summary in ProducerPerformance's output: " + ChildProcess.tail(produced));
		}

		List<String> consume = new ArrayList<>(jvm);
		consume.addAll(List.of("org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", bootstrap, "--topic",
				topic, "--num-records", Integer.toString(workload.messages()), "--group", "bench-native-" + run.runId(),
				"--timeout", "60000", "--command-config", consumerConfig.toString()));
		commands.add(String.join(" ", consume));
		Progress.say("kafka", "native: ConsumerPerformance, " + workload.messages() + " records");
		String consumed = ChildProcess.run(consume, run.dir().resolve("kafka-consumer-performance.log"), TIMEOUT);
		String[] row = dataRow(consumed);
		long records = Long.parseLong(row[4].strip());
		// fetch.nMsg.sec: the consume rate without the group join, as Kafka reports it
		double consumePerSec = Double.parseDouble(row[9].strip());
		Latency latency = new Latency(Double.valueOf(p.group(5)), Double.valueOf(p.group(6)),
				Double.valueOf(p.group(7)), Double.valueOf(p.group(8)), Double.valueOf(p.group(4)));
		return new NativeResult(tool(), "produce, then consume the backlog", true, Long.parseLong(p.group(1)),
				NativeResult.round(Double.parseDouble(p.group(2))), NativeResult.round(consumePerSec), latency,
				"produce: send to acks=all acknowledgement", Math.max(0, workload.messages() - records), null, null,
				settings, commands, null);
	}

	/** The line after ConsumerPerformance's header, split into its columns. */
	private static String[] dataRow(String output) throws IOException {
		String[] lines = output.split("\n");
		for (int i = 0; i < lines.length - 1; i++) {
			if (lines[i].startsWith("start.time")) {
				String[] row = lines[i + 1].split(",");
				if (row.length >= 10) {
					return row;
				}
			}
		}
		throw new IOException("No figures in ConsumerPerformance's output: " + ChildProcess.tail(output));
	}

	private static Path write(Path file, String content) throws IOException {
		Files.createDirectories(file.getParent());
		return Files.writeString(file, content);
	}

}
