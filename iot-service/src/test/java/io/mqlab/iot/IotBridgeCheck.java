package io.mqlab.iot;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.messaging.contract.TestBrokers;
import org.junit.jupiter.api.Test;
import io.mqlab.support.Http;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The benchmark and crash check (not in the default test run: minutes per backend). Per
 * backend: two bridge instances share the devices' messages, one in this JVM and one a
 * JVM of its own that is killed with SIGKILL mid-stream (a quarter of the readings in)
 * and started again with the same client id; 1,000 devices send 50 QoS 1 readings each as
 * fast as Mosquitto takes them. Then every reading must be in the platform exactly once.
 * It prints readings/s, the device-to-platform delay at a fixed rate (p50/p99) and the
 * command round trip (p50/p99), as a Markdown table (also in
 * {@code target/iot-check.md}).
 * <p>
 * {@code ./mvnw -pl iot-service -am verify -Dtest=IotBridgeCheck
 * -Dsurefire.failIfNoSpecifiedTests=false [-Dmqlab.iot.check.backends=redis,kafka]
 * [-Dmqlab.iot.check.devices=1000] [-Dmqlab.iot.check.readings=50]}
 */
class IotBridgeCheck {

	static final int DEVICES = Integer.getInteger("mqlab.iot.check.devices", 1000);

	static final int READINGS = Integer.getInteger("mqlab.iot.check.readings", 50);

	@Test
	void everyBackend() throws Exception {
		List<String> rows = new ArrayList<>();
		rows.add(
				"| backend | devices × readings | readings/s | lost | duplicates dropped | out of order | delay p50 | p99 "
						+ "| command round trip p50 | p99 | Mosquitto dropped |");
		rows.add("|---|---|---|---|---|---|---|---|---|---|---|");
		for (String backend : System.getProperty("mqlab.iot.check.backends", "kafka,rabbitmq,redis,postgres")
			.split(",")) {
			rows.add(run(backend.trim()));
			System.out.println(String.join("\n", rows));
		}
		String table = String.join("\n", rows) + "\n";
		Files.writeString(Path.of("target/iot-check.md"), table);
		System.out.println(table);
		assertThat(table).doesNotContain("| LOST");
	}

	private String run(String backend) throws Exception {
		String run = "iotchk" + UUID.randomUUID().toString().substring(0, 6);
		String root = run + "/devices";
		TestBroker broker = TestBroker.of(backend);
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", backend);
		args.put("server.port", "0");
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.iot.mqtt.host", TestDevice.HOST);
		args.put("mqlab.iot.mqtt.port", Integer.toString(TestDevice.PORT));
		args.put("mqlab.iot.mqtt.topic-root", root);
		args.put("mqlab.iot.mqtt.share-group", run);
		args.put("mqlab.iot.mqtt.session-expiry", "600s");
		args.put("mqlab.iot.key-prefix", run);
		args.put("mqlab.iot.history-size", "100");
		Map<String, String> topics = new LinkedHashMap<>();
		for (String name : List.of("telemetry", "state", "status", "results", "rejected", "commands", "alerts")) {
			topics.put(name, "iot." + name + "-" + run);
			args.put("mqlab.iot.topics." + name, "iot." + name + "-" + run);
		}
		args.put("mqlab.messaging.partitions", "4");
		args.put("mqlab.messaging.visibility-timeout", "10s");
		args.putAll(TestBroker.redisProperties());
		args.putAll(broker.properties(run));
		Map<String, String> local = new LinkedHashMap<>(args);
		local.put("mqlab.iot.mqtt.client-id", run + "-bridge-b");
		Map<String, String> child = new LinkedHashMap<>(args);
		child.put("mqlab.iot.mqtt.client-id", run + "-bridge-a");
		ConfigurableApplicationContext context = IotServiceApplication.builder().run(commandLine(local));
		Http api = new Http(((WebServerApplicationContext) context).getWebServer().getPort());
		Process other = startChild(child, run, 1);
		awaitStarted(run, 1);
		List<TestDevice> fleet = new ArrayList<>();
		LettuceConnectionFactory redisFactory = new LettuceConnectionFactory(TestBrokers.redis().host(),
				TestBrokers.redis().port());
		redisFactory.afterPropertiesSet();
		redisFactory.start();
		StringRedisTemplate redis = new StringRedisTemplate(redisFactory);
		try {
			for (int i = 0; i < DEVICES; i += 50) {
				List<TestDevice> batch = IntStream.range(i, Math.min(DEVICES, i + 50))
					.mapToObj((n) -> new TestDevice(root, run + "-d" + n))
					.toList();
				batch.parallelStream().forEach(TestDevice::connect);
				fleet.addAll(batch);
			}
			// saturation: every device sends all its readings without waiting; the other
			// bridge is killed a third of the way in and started again
			long total = (long) DEVICES * READINGS;
			Instant start = Instant.now();
			List<CompletableFuture<?>> sent = new ArrayList<>();
			for (int seq = 1; seq <= READINGS; seq++) {
				for (TestDevice device : fleet) {
					sent.add(device.telemetryAsync(seq, Map.of("temperature", 20.0 + seq / 100.0)));
				}
			}
			// SIGKILL while a quarter of the readings are in: the rest of its share
			// waits,
			// unacknowledged, in its session
			await().atMost(Duration.ofMinutes(5))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> sum(redis, run, fleet, "received") >= total / 4);
			other.destroyForcibly().waitFor();
			other = startChild(child, run, 2);
			CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
			await().atMost(Duration.ofMinutes(10))
				.pollInterval(Duration.ofSeconds(1))
				.until(() -> sum(redis, run, fleet, "received") >= total);
			Duration took = Duration.between(start, Instant.now());
			long received = sum(redis, run, fleet, "received");
			long duplicates = sum(redis, run, fleet, "duplicates");
			long outOfOrder = sum(redis, run, fleet, "outOfOrder");
			long missing = sum(redis, run, fleet, "missing");

			// a fixed rate: 200 devices, one reading every 200 ms each (1,000/s) for 5 s
			List<TestDevice> paced = fleet.subList(0, Math.min(200, fleet.size()));
			for (int round = 1; round <= 25; round++) {
				long due = System.nanoTime() + 200_000_000L;
				int seq = READINGS + round;
				paced.forEach((device) -> device.telemetryAsync(seq, Map.of("temperature", 21.0)));
				while (System.nanoTime() < due) {
					Thread.onSpinWait();
				}
			}
			await().atMost(Duration.ofMinutes(2))
				.until(() -> sum(redis, run, paced, "received") >= (long) paced.size() * (READINGS + 25));
			List<Long> delays = new ArrayList<>();
			for (TestDevice device : paced) {
				for (JsonNode entry : api.get("/devices/" + device.id + "/telemetry?limit=1000").body().get("items")) {
					if (entry.get("seq").asLong() > READINGS) {
						delays.add(
								Duration
									.between(Instant.parse(entry.get("at").asString()),
											Instant.parse(entry.get("appliedAt").asString()))
									.toMillis());
					}
				}
			}

			// command round trip: accepted to answer applied, one command at a time
			TestDevice commanded = fleet.get(0);
			List<Long> trips = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				Http.Response answer = api.post("/devices/" + commanded.id + "/commands",
						"{\"name\":\"ping\",\"ttl\":\"PT1M\"}");
				String id = answer.body().get("id").asString();
				await().atMost(Duration.ofSeconds(30))
					.pollInterval(Duration.ofMillis(2))
					.until(() -> commanded.received(id) == 1);
				commanded.answer(id, "SUCCEEDED", "pong");
				JsonNode done = await().atMost(Duration.ofSeconds(30))
					.pollInterval(Duration.ofMillis(5))
					.until(() -> api.get("/devices/" + commanded.id + "/commands/" + id).body(),
							(view) -> view.get("status").asString().equals("SUCCEEDED"));
				trips.add(
						Duration
							.between(Instant.parse(done.get("createdAt").asString()),
									Instant.parse(done.get("finishedAt").asString()))
							.toMillis());
			}
			long dropped = api.get("/broker").body().get("dropped").asLong();
			long lost = total - received;
			return "| %s | %d × %d | %.0f | %s | %d | %d | %d ms | %d ms | %d ms | %d ms | %d |".formatted(backend,
					DEVICES, READINGS, total / (took.toMillis() / 1000.0),
					(lost == 0 && missing == 0) ? "0" : "LOST " + lost, duplicates, outOfOrder, percentile(delays, 50),
					percentile(delays, 99), percentile(trips, 50), percentile(trips, 99), dropped);
		}
		finally {
			if (other != null) {
				other.destroyForcibly().waitFor();
			}
			context.close();
			fleet.parallelStream().forEach((device) -> {
				device.close();
				device.clean();
			});
			TestDevice.removeSession(run + "-bridge-a");
			TestDevice.removeSession(run + "-bridge-b");
			Map<String, String> topicsAndGroups = new LinkedHashMap<>();
			topics.forEach((name, topic) -> topicsAndGroups.put(topic, name.equals("commands") ? "iot-bridge" : "iot"));
			broker.removeState(run, topicsAndGroups);
			broker.close();
			redisFactory.destroy();
			TestBroker.deleteRedisKeys(run + ":*");
		}
	}

	/** A field summed over the devices, read in one pipeline. */
	private static long sum(StringRedisTemplate redis, String run, List<TestDevice> devices, String field) {
		byte[] name = field.getBytes(StandardCharsets.UTF_8);
		List<Object> values = redis.executePipelined((RedisCallback<Object>) (connection) -> {
			for (TestDevice device : devices) {
				connection.hashCommands().hGet((run + ":device:" + device.id).getBytes(StandardCharsets.UTF_8), name);
			}
			return null;
		});
		return values.stream().mapToLong((value) -> (value != null) ? Long.parseLong((String) value) : 0).sum();
	}

	private static long percentile(List<Long> values, int percentile) {
		if (values.isEmpty()) {
			return -1;
		}
		List<Long> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
	}

	/** The other bridge instance: a JVM of its own on the test class path. */
	private static Process startChild(Map<String, String> args, String run, int attempt) throws IOException {
		String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
				"-Xmx512m", "-cp", classPath, IotServiceApplication.class.getName()));
		command.addAll(List.of(commandLine(args)));
		File log = Path.of("target", run + "-bridge-a-" + attempt + ".log").toFile();
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
	}

	private static void awaitStarted(String run, int attempt) {
		Path log = Path.of("target", run + "-bridge-a-" + attempt + ".log");
		await().atMost(Duration.ofMinutes(3))
			.until(() -> Files.exists(log) && Files.readString(log).contains("Started IotServiceApplication"));
	}

	private static String[] commandLine(Map<String, String> args) {
		return args.entrySet()
			.stream()
			.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
	}

}
