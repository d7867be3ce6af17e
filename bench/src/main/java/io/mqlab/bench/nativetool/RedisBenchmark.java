package io.mqlab.bench.nativetool;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.mqlab.bench.Brokers;
import io.mqlab.bench.Progress;
import io.mqlab.bench.workload.Latency;
import io.mqlab.bench.workload.Workload;

/**
 * {@code redis-benchmark} (the Debian binary) on a stream of its own: XADD with the same
 * payload size, clients and pipeline depth, then the same consumers reading the backlog
 * in batches of the poll batch size and acknowledging them, as mqlab's consumers must.
 * redis-benchmark repeats one command, so each read is one script that runs XREADGROUP
 * and XACKs what it read; the group's {@code entries-read} tells how many were read.
 */
final class RedisBenchmark implements NativeBenchmark {

	private static final Pattern CSV_FIGURES = Pattern.compile(
			"\"([\\d.]+|inf)\",\"([\\d.]+)\",\"([\\d.]+)\",\"([\\d.]+)\",\"([\\d.]+)\",\"([\\d.]+)\",\"([\\d.]+)\"\\s*$");

	private static final Duration TIMEOUT = Duration.ofMinutes(10);

	private static final String GROUP = "bench-native";

	/** Reads up to COUNT new entries for the group and acknowledges them at once. */
	private static final String READ_AND_ACK = "local read = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], "
			+ "'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>') " + "if not read then return 0 end "
			+ "local ids = {} for _, entry in ipairs(read[1][2]) do ids[#ids + 1] = entry[1] end "
			+ "if #ids > 0 then redis.call('XACK', KEYS[1], ARGV[1], unpack(ids)) end return #ids";

	@Override
	public String tool() {
		return "redis-benchmark XADD + XREADGROUP/XACK";
	}

	@Override
	public NativeResult run(NativeRun run) {
		Workload workload = run.workload();
		Brokers brokers = run.brokers();
		String stream = "bench-native-" + run.runId();
		int batch = run.tuning().pollBatch();
		int reads = NativeRun.perClient(workload.messages(), batch);
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put("clients (XADD)", workload.producers());
		settings.put("pipeline", run.tuning().pipeline());
		settings.put("clients (XREADGROUP)", workload.consumers());
		settings.put("COUNT", batch);
		settings.put("XACK", "per read, in the same script");
		List<String> commands = new ArrayList<>();
		RedisClient client = RedisClient.create(RedisURI.create(brokers.redisHost(), brokers.redisPort()));
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			RedisCommands<String, String> redis = connection.sync();
			redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), GROUP, XGroupCreateArgs.Builder.mkstream());
			try {
				List<String> base = List.of("redis-benchmark", "-h", brokers.redisHost(), "-p",
						Integer.toString(brokers.redisPort()), "--csv");
				List<String> produce = new ArrayList<>(base);
				produce.addAll(List.of("-c", Integer.toString(workload.producers()), "-n",
						Integer.toString(workload.messages()), "-P", Integer.toString(run.tuning().pipeline()), "XADD",
						stream, "*", "body", "x".repeat(workload.size())));
				commands
					.add(String.join(" ", produce.subList(0, produce.size() - 1)) + " <" + workload.size() + " bytes>");
				Progress.say("redis", "native: redis-benchmark XADD, " + workload.messages() + " entries");
				long producing = System.nanoTime();
				Matcher added = figures(
						ChildProcess.run(produce, run.dir().resolve("redis-benchmark-xadd.log"), TIMEOUT));
				double addedPerSec = rate(added, workload.messages(), System.nanoTime() - producing);

				String script = redis.scriptLoad(READ_AND_ACK);
				List<String> consume = new ArrayList<>(base);
				consume.addAll(List.of("-c", Integer.toString(workload.consumers()), "-n", Integer.toString(reads),
						"EVALSHA", script, "1", stream, GROUP, "bench", Integer.toString(batch)));
				commands.add(String.join(" ", consume) + "   (" + script + ": XREADGROUP COUNT " + batch
						+ ", then XACK what it read)");
				Progress.say("redis", "native: redis-benchmark XREADGROUP + XACK, " + reads + " reads of " + batch);
				long consuming = System.nanoTime();
				Matcher read = figures(
						ChildProcess.run(consume, run.dir().resolve("redis-benchmark-xreadgroup.log"), TIMEOUT));
				double readsPerSec = rate(read, reads, System.nanoTime() - consuming);
				long entries = redis.xlen(stream);
				long consumed = entriesRead(redis.xinfoGroups(stream));
				double consumePerSec = consumed * readsPerSec / reads;
				Latency latency = new Latency(Double.valueOf(added.group(4)), Double.valueOf(added.group(5)),
						Double.valueOf(added.group(6)), null, Double.valueOf(added.group(7)));
				return new NativeResult(tool(), "XADD, then XREADGROUP + XACK the backlog", true, entries,
						NativeResult.round(addedPerSec), NativeResult.round(consumePerSec), latency,
						"XADD request (pipelined)", Math.max(0, entries - consumed), null, null, settings, commands,
						null);
			}
			finally {
				redis.del(stream);
			}
		}
		catch (Exception ex) {
			return NativeResult.failed(tool(), settings, commands, ex);
		}
		finally {
			client.shutdown();
		}
	}

	/** The bench group's {@code entries-read} from XINFO GROUPS (Redis 7). */
	private static long entriesRead(List<Object> groups) throws IOException {
		for (Object group : groups) {
			if (group instanceof List<?> fields && fields.contains(GROUP)) {
				int at = fields.indexOf("entries-read");
				if (at >= 0 && at + 1 < fields.size() && fields.get(at + 1) instanceof Long read) {
					return read;
				}
			}
		}
		throw new IOException("XINFO GROUPS has no entries-read for " + GROUP + " (Redis 7 or later): " + groups);
	}

	/**
	 * Requests per second as redis-benchmark reports them, or, when a tiny run finished
	 * within its clock's resolution ("inf"), as timed around the process (start
	 * included).
	 */
	private static double rate(Matcher figures, long requests, long nanos) {
		String rps = figures.group(1);
		return rps.equals("inf") ? requests * 1e9 / Math.max(1, nanos) : Double.parseDouble(rps);
	}

	/** rps, avg, min, p50, p95, p99, max of redis-benchmark's CSV line. */
	private static Matcher figures(String output) throws IOException {
		for (String line : output.split("\n")) {
			Matcher matcher = CSV_FIGURES.matcher(line);
			if (!line.startsWith("\"test\"") && matcher.find()) {
				return matcher;
			}
		}
		throw new IOException("No figures in redis-benchmark's output: " + ChildProcess.tail(output));
	}

}
