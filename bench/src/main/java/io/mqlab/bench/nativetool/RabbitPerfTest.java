package io.mqlab.bench.nativetool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.mqlab.bench.Brokers;
import io.mqlab.bench.Progress;
import io.mqlab.bench.workload.Latency;
import io.mqlab.bench.workload.Workload;

/**
 * RabbitMQ PerfTest 2.22.1 (child JVM) on a durable queue of its own: persistent
 * messages, publisher confirms ({@code --confirm} = the pipeline), manual acks with the
 * same prefetch, the same producers and consumers, producers and consumers at once.
 */
final class RabbitPerfTest implements NativeBenchmark {

	private static final Pattern CONSUMER_LATENCY = Pattern
		.compile("consumer latency min/median/75th/95th/99th (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+) (\\S+)");

	private static final Duration TIMEOUT = Duration.ofMinutes(10);

	@Override
	public String tool() {
		return "RabbitMQ PerfTest 2.22.1";
	}

	@Override
	public NativeResult run(NativeRun run) {
		Workload workload = run.workload();
		Brokers brokers = run.brokers();
		String queue = "bench-native-" + run.runId();
		int perProducer = NativeRun.perClient(workload.messages(), workload.producers());
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put("queue", "durable, classic");
		settings.put("flag", "persistent");
		settings.put("confirm", run.tuning().pipeline());
		settings.put("qos", run.tuning().prefetch());
		settings.put("ack", "manual");
		settings.put("producers", workload.producers());
		settings.put("consumers", workload.consumers());
		List<String> commands = new ArrayList<>();
		try {
			Path csv = run.dir().resolve("perf-test.csv");
			List<String> command = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx512m", "-cp",
					ToolJars.classpath(run.jars().perfTest()), "com.rabbitmq.perf.PerfTest", "--uri",
					"amqp://" + brokers.rabbitUser() + ":" + brokers.rabbitPassword() + "@" + brokers.rabbitHost() + ":"
							+ brokers.rabbitPort(),
					"--queue", queue, "--auto-delete", "false", "--flag", "persistent", "--confirm",
					Integer.toString(run.tuning().pipeline()), "--qos", Integer.toString(run.tuning().prefetch()),
					"--producers", Integer.toString(workload.producers()), "--consumers",
					Integer.toString(workload.consumers()), "--pmessages", Integer.toString(perProducer), "--exit-when",
					"empty", "--size", Integer.toString(workload.size()), "--id", "bench-native", "--output-file",
					csv.toString()));
			commands.add(String.join(" ", command));
			Progress.say("rabbitmq", "native: PerfTest, " + perProducer * workload.producers() + " messages");
			String output;
			try {
				output = ChildProcess.run(command, run.dir().resolve("perf-test.log"), TIMEOUT);
			}
			catch (IOException ex) {
				deleteQueue(brokers, queue);
				throw ex;
			}
			Rates rates = Rates.of(Files.readAllLines(csv));
			long left = deleteQueue(brokers, queue);
			return new NativeResult(tool(), "producers and consumers at once", false,
					(long) perProducer * workload.producers(), rates.published(), rates.received(), latency(output),
					"end to end: publish to consume", left, null, null, settings, commands, null);
		}
		catch (Exception ex) {
			return NativeResult.failed(tool(), settings, commands, ex);
		}
	}

	private static Latency latency(String output) {
		Matcher matcher = CONSUMER_LATENCY.matcher(output);
		if (!matcher.find()) {
			return Latency.NONE;
		}
		double unit = matcher.group(6).equals("ms") ? 1 : 0.001;
		return new Latency(ms(matcher.group(2), unit), ms(matcher.group(4), unit), ms(matcher.group(5), unit), null,
				null);
	}

	private static Double ms(String value, double unit) {
		return Math.round(Long.parseLong(value) * unit * 100) / 100.0;
	}

	/** Deletes the queue and says how many messages were still in it. */
	private static long deleteQueue(Brokers brokers, String queue) throws Exception {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost(brokers.rabbitHost());
		factory.setPort(brokers.rabbitPort());
		factory.setUsername(brokers.rabbitUser());
		factory.setPassword(brokers.rabbitPassword());
		try (Connection connection = factory.newConnection("mqlab-bench")) {
			Channel channel = connection.createChannel();
			return channel.queueDelete(queue).getMessageCount();
		}
	}

	/**
	 * Throughput from PerfTest's per-second samples ({@code --output-file}). Its own
	 * averages count the second it waits to see the queue empty; here the messages of all
	 * samples are divided by the time up to the last message, taking the last sample's
	 * messages to have come at the previous sample's rate (PerfTest samples whole seconds
	 * only, and ends on a sample tick).
	 */
	record Rates(double published, double received) {

		static Rates of(List<String> csv) throws IOException {
			if (csv.size() < 2) {
				throw new IOException("PerfTest wrote no samples");
			}
			List<String> header = List.of(csv.get(0).split(","));
			List<double[]> rows = new ArrayList<>();
			for (String line : csv.subList(1, csv.size())) {
				String[] row = line.split(",", -1);
				rows.add(new double[] { Double.parseDouble(row[header.indexOf("time (s)")]),
						number(row[header.indexOf("confirmed (msg/s)")]),
						number(row[header.indexOf("received (msg/s)")]) });
			}
			return new Rates(NativeResult.round(rate(rows, 1)), NativeResult.round(rate(rows, 2)));
		}

		/** Messages per second of one column of (time, rate, rate) samples. */
		static double rate(List<double[]> samples, int column) {
			double messages = 0;
			int last = -1;
			for (int i = 0; i < samples.size(); i++) {
				double interval = samples.get(i)[0] - ((i == 0) ? 0 : samples.get(i - 1)[0]);
				messages += samples.get(i)[column] * interval;
				if (samples.get(i)[column] > 0) {
					last = i;
				}
			}
			if (last < 0) {
				return 0;
			}
			double end = samples.get(last)[0];
			if (last >= 1 && samples.get(last - 1)[column] > 0) {
				double previousEnd = samples.get(last - 1)[0];
				double lastMessages = samples.get(last)[column] * (end - previousEnd);
				end = previousEnd + Math.min(end - previousEnd, lastMessages / samples.get(last - 1)[column]);
			}
			return messages / end;
		}

		private static double number(String value) {
			return value.isBlank() ? 0 : Double.parseDouble(value);
		}

	}

}
