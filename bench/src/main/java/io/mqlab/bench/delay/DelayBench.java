package io.mqlab.bench.delay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.mqlab.bench.BenchOptions;
import io.mqlab.bench.Brokers;
import io.mqlab.bench.ProjectPaths;
import io.mqlab.bench.Progress;
import io.mqlab.messaging.Backend;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./mqlab bench delays}: lateness of delayed delivery per backend with 1k, 10k and
 * 100k messages pending, printed as a table and written to delays.md and delays.json.
 */
public final class DelayBench {

	public static final String USAGE = """
			Usage: ./mqlab bench delays [options]
			  --backends LIST      kafka,rabbitmq,redis,postgres (default: all four)
			  --pending LIST       pending messages per run (default 1000,10000,100000)
			  --due-rate N         at most this many messages fall due per second (default 1000)
			  --consumers C        handlers in the group (default 4)
			  --stall-timeout D    after the last due time, wait this long for the next handling (default 30s)
			  --kafka-bootstrap HOST:PORT   Kafka broker (default 127.0.0.1:9092)
			  --out DIR            where delays.md and delays.json go
			""";

	private static final JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private DelayBench() {
	}

	/**
	 * @return the exit status: 0 all measured, 1 a run failed or broke the contract, 2
	 * bad usage
	 */
	public static int run(String[] args, ProjectPaths paths) {
		Map<String, String> options;
		List<Backend> backends;
		List<Integer> pending = new ArrayList<>();
		int dueRate;
		int consumers;
		Duration stall;
		Brokers brokers;
		Path out;
		try {
			options = options(args);
			if (options == null) {
				System.out.print(USAGE);
				return 0;
			}
			backends = BenchOptions.backends(options.getOrDefault("backends", "kafka,rabbitmq,redis,postgres"));
			for (String count : options.getOrDefault("pending", "1000,10000,100000").split(",")) {
				pending.add(positive("pending", count));
			}
			dueRate = positive("due-rate", options.getOrDefault("due-rate", "1000"));
			consumers = positive("consumers", options.getOrDefault("consumers", "4"));
			stall = BenchOptions.duration(options.getOrDefault("stall-timeout", "30s"));
			brokers = Brokers.LOCAL.withKafkaBootstrap(options.getOrDefault("kafka-bootstrap", "127.0.0.1:9092"));
			out = Path.of(options.getOrDefault("out", paths.home().resolve("bench/delays").toString()));
		}
		catch (IllegalArgumentException ex) {
			System.err.println("bench delays: " + ex.getMessage());
			System.err.print(USAGE);
			return 2;
		}
		String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
		DelayBenchmark benchmark = new DelayBenchmark(brokers, dueRate, consumers, stall);
		List<DelayResult> results = new ArrayList<>();
		for (Backend backend : backends) {
			Progress.say("");
			Progress.say("== " + backend.id());
			for (int count : pending) {
				results.add(benchmark.run(backend, count, runId));
			}
		}
		String table = table(results);
		Progress.say("");
		Progress.say(table);
		try {
			Files.createDirectories(out);
			Files.writeString(out.resolve("delays.md"), table);
			mapper.writeValue(out.resolve("delays.json").toFile(), results);
			Progress.say("Reports: " + out.resolve("delays.md") + ", " + out.resolve("delays.json"));
		}
		catch (IOException ex) {
			System.err.println("bench delays: cannot write to " + out + ": " + ex);
			return 1;
		}
		return results.stream().anyMatch((r) -> r.error() != null || r.lost() > 0 || r.early() > 0) ? 1 : 0;
	}

	static String table(List<DelayResult> results) {
		StringBuilder table = new StringBuilder();
		table.append(
				"| backend | pending | publish/s | due window s | p50 ms | p99 ms | max ms | lost | dup | early |\n");
		table.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (DelayResult r : results) {
			if (r.error() != null) {
				table.append(String.format(Locale.ROOT, "| %s | %,d | failed: %s | | | | | | | |%n", r.backend(),
						r.pending(), r.error().replace('|', '/')));
				continue;
			}
			table.append(String.format(Locale.ROOT, "| %s | %,d | %,.0f | %.0f | %s | %s | %s | %d | %d | %d |%n",
					r.backend(), r.pending(), r.publishPerSec(), r.window(), r.latenessMs().p50(), r.latenessMs().p99(),
					r.latenessMs().max(), r.lost(), r.duplicates(), r.early()));
		}
		return table.toString();
	}

	private static Map<String, String> options(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (arg.equals("--help") || arg.equals("-h")) {
				return null;
			}
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("Unexpected argument '" + arg + "'");
			}
			int equals = arg.indexOf('=');
			if (equals > 0) {
				options.put(arg.substring(2, equals), arg.substring(equals + 1));
			}
			else if (i + 1 < args.length) {
				options.put(arg.substring(2), args[++i]);
			}
			else {
				throw new IllegalArgumentException(arg + " needs a value");
			}
		}
		List<String> known = List.of("backends", "pending", "due-rate", "consumers", "stall-timeout", "kafka-bootstrap",
				"out");
		for (String name : options.keySet()) {
			if (!known.contains(name)) {
				throw new IllegalArgumentException("Unknown option --" + name);
			}
		}
		return options;
	}

	private static int positive(String name, String value) {
		try {
			int number = Integer.parseInt(value.strip().replace("_", ""));
			if (number > 0) {
				return number;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException("--" + name + " takes a positive whole number, was '" + value + "'");
	}

}
