package io.mqlab.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.mqlab.bench.workload.Workload;
import io.mqlab.messaging.Backend;

/**
 * The command line of {@code ./mqlab bench}.
 */
public final class BenchOptions {

	static final String USAGE = """
			usage: ./mqlab bench [options]      (./mqlab bench delays --help: the delayed-delivery bench)
			  --backends LIST      kafka,rabbitmq,redis,postgres (default: all four)
			  --messages N         messages of the max-throughput phase (default 20000)
			  --size BYTES         payload size (default 1024)
			  --keys K             ordering keys (default 100)
			  --producers P        publishing threads, each owning its own keys (default 2)
			  --consumers C        members of the consumer group (default 2)
			  --rate R             msg/s of the fixed-rate (latency) phase, 0 to skip it (default 1000)
			  --duration D         length of the fixed-rate phase: 10s, 500ms, 1m (default 10s)
			  --out DIR            where results.json, results.md and report.html go
			                       (default .mqlab/bench/results)
			knobs, applied to mqlab and to the native tool alike:
			  --partitions N       mqlab.messaging.partitions, native Kafka partitions (default 8)
			  --linger-ms MS       Kafka producer linger.ms (default 0, as the library)
			  --batch-bytes B      Kafka producer batch.size (default 16384)
			  --prefetch N         RabbitMQ prefetch, mqlab.messaging.rabbitmq.prefetch, PerfTest --qos (default 50)
			  --pipeline N         messages per publishAll batch; PerfTest --confirm; redis-benchmark -P (default 100)
			  --poll-batch N       Kafka max.poll.records, Redis batch-size/COUNT, PostgreSQL batch-size (default 100)
			  --set NAME=VALUE     any other property for the mqlab contexts (repeatable)
			other:
			  --kafka-bootstrap HOST:PORT   Kafka broker (default 127.0.0.1:9092)
			  --warm-up D          publish this long before measuring, so the JIT compiler is done (default 10s)
			  --stall-timeout D    wait this long for the next delivery before counting the rest lost (default 30s)
			  --no-native          skip the brokers' own tools
			""";

	private BenchOptions() {
	}

	/** Parses the arguments; {@code null} when help was asked for. */
	public static BenchSettings parse(String[] args, ProjectPaths paths) {
		Map<String, String> values = new LinkedHashMap<>();
		Map<String, String> extra = new LinkedHashMap<>();
		boolean runNative = true;
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (arg.equals("--help") || arg.equals("-h")) {
				return null;
			}
			if (arg.equals("--no-native")) {
				runNative = false;
				continue;
			}
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("Unexpected argument '" + arg + "'");
			}
			String name;
			String value;
			int equals = arg.indexOf('=');
			if (equals > 0 && !arg.startsWith("--set")) {
				name = arg.substring(2, equals);
				value = arg.substring(equals + 1);
			}
			else {
				name = (equals > 0) ? "set" : arg.substring(2);
				if (equals > 0) {
					value = arg.substring(equals + 1);
				}
				else if (i + 1 < args.length) {
					value = args[++i];
				}
				else {
					throw new IllegalArgumentException(arg + " needs a value");
				}
			}
			if (name.equals("set")) {
				int split = value.indexOf('=');
				if (split < 1) {
					throw new IllegalArgumentException("--set takes NAME=VALUE, was '" + value + "'");
				}
				extra.put(value.substring(0, split), value.substring(split + 1));
			}
			else {
				values.put(name, value);
			}
		}
		Options options = new Options(values);
		Workload workload = new Workload(options.integer("messages", 20_000), options.integer("size", 1024),
				options.integer("keys", 100), options.integer("producers", 2), options.integer("consumers", 2),
				options.integer("rate", 1000), options.duration("duration", Duration.ofSeconds(10)));
		Tuning tuning = new Tuning(options.integer("partitions", Tuning.DEFAULTS.partitions()),
				options.integer("linger-ms", Tuning.DEFAULTS.lingerMs()),
				options.integer("batch-bytes", Tuning.DEFAULTS.batchBytes()),
				options.integer("prefetch", Tuning.DEFAULTS.prefetch()),
				options.integer("pipeline", Tuning.DEFAULTS.pipeline()),
				options.integer("poll-batch", Tuning.DEFAULTS.pollBatch()), extra);
		Brokers brokers = Brokers.LOCAL.withKafkaBootstrap(options.text("kafka-bootstrap", "127.0.0.1:9092"));
		Path out = Path.of(options.text("out", paths.home().resolve("bench/results").toString()));
		BenchSettings settings = new BenchSettings(backends(options.text("backends", "kafka,rabbitmq,redis,postgres")),
				workload, tuning, brokers, out.toAbsolutePath(),
				options.duration("stall-timeout", Duration.ofSeconds(30)), runNative,
				options.duration("warm-up", Duration.ofSeconds(10)));
		options.rejectUnknown();
		return settings;
	}

	public static List<Backend> backends(String list) {
		List<Backend> backends = new ArrayList<>();
		for (String name : list.split(",")) {
			if (!name.isBlank()) {
				Backend backend = Backend.of(name.strip().equals("rabbit") ? "rabbitmq" : name);
				if (!backends.contains(backend)) {
					backends.add(backend);
				}
			}
		}
		return backends;
	}

	/** Parses a duration such as 10s, 500ms, 2m or a plain number of seconds. */
	public static Duration duration(String text) {
		String value = text.strip().toLowerCase(Locale.ROOT);
		try {
			if (value.endsWith("ms")) {
				return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
			}
			if (value.endsWith("s")) {
				return Duration.ofMillis(Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
			}
			if (value.endsWith("m")) {
				return Duration.ofSeconds(Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 60));
			}
			return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Not a duration: '" + text + "' (use 10s, 500ms, 2m)");
		}
	}

	/** The values given, taken one by one so leftovers are unknown options. */
	private static final class Options {

		private final Map<String, String> values;

		Options(Map<String, String> values) {
			this.values = new LinkedHashMap<>(values);
		}

		int integer(String name, int fallback) {
			String value = this.values.remove(name);
			if (value == null) {
				return fallback;
			}
			try {
				return Integer.parseInt(value.replace("_", "").replace(",", ""));
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("--" + name + " takes a whole number, was '" + value + "'");
			}
		}

		Duration duration(String name, Duration fallback) {
			String value = this.values.remove(name);
			return (value != null) ? BenchOptions.duration(value) : fallback;
		}

		String text(String name, String fallback) {
			String value = this.values.remove(name);
			return (value != null) ? value : fallback;
		}

		void rejectUnknown() {
			if (!this.values.isEmpty()) {
				throw new IllegalArgumentException("Unknown option(s): --" + String.join(", --", this.values.keySet()));
			}
		}

	}

}
