package io.mqlab.logs;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import io.mqlab.logs.index.LogIndices;
import io.mqlab.logs.ship.LogShipper;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.contract.TcpProxy;
import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.messaging.contract.TestBrokers;
import io.mqlab.support.ServiceJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A shipper killed hard mid-stream (SIGKILL of its own JVM, no shutdown of any kind)
 * while two services keep writing: a new shipper started on the same checkpoint file
 * ships exactly what the checkpoints did not cover, and every line written ends up in the
 * index once. At most the one batch whose publish the broker had confirmed but whose
 * checkpoint the killed JVM had not yet written is shipped twice; its documents have the
 * same ids (source, file and position), so the second copy overwrites the first. On Redis
 * only (the other backends' redelivery is the library's contract tests' subject); the
 * indexer runs in this JVM, the killed shipper in a child JVM.
 */
class ShipperFaultTests {

	static final Duration PATIENCE = Duration.ofSeconds(90);

	static final Duration POLL = Duration.ofMillis(100);

	static final int MAX_LINES = 50;

	static final List<String> SERVICES = List.of("svc-a", "svc-b");

	private final String run = "shipf" + UUID.randomUUID().toString().substring(0, 8);

	private final TestBroker broker = TestBroker.of("redis");

	private final Map<String, Integer> written = new LinkedHashMap<>();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private ServiceJvm child;

	private Path dir;

	private LogIndices indices;

	@AfterEach
	void cleanUp() throws IOException {
		try {
			if (this.child != null) {
				this.child.close();
			}
			if (this.indices != null) {
				this.indices.deleteAll();
			}
		}
		finally {
			for (ConfigurableApplicationContext context : this.contexts) {
				context.close();
			}
			this.broker.removeState(this.run, Map.of("logs-" + this.run, "log-indexer-" + this.run));
		}
	}

	@Test
	void aShipperKilledMidStreamResumesFromItsCheckpointWithoutLossOrDuplicates() throws Exception {
		this.dir = Files.createTempDirectory("log-crash-" + this.run);
		for (String service : SERVICES) {
			append(service, 0, 1);
		}
		// the child JVM boots while this one starts the indexer
		this.child = startChildShipper();
		ConfigurableApplicationContext indexer = start(role("indexer"));
		this.indices = indexer.getBean(LogIndices.class);
		// the child ships: its first lines are indexed
		await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().until(() -> total() >= SERVICES.size());

		AtomicBoolean writing = new AtomicBoolean(true);
		Thread writer = new Thread(() -> {
			int next = 1;
			while (writing.get()) {
				for (String service : SERVICES) {
					append(service, next, next + 10);
				}
				next += 10;
				sleep(20);
			}
		}, "log-writer");
		writer.start();
		try {
			await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().until(() -> total() >= 600);
			// SIGKILL (exit code 137 asserted): the JVM runs no shutdown hook
			this.child.kill();
			// the services go on writing while no shipper runs
			int atKill = writtenSoFar();
			await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().until(() -> writtenSoFar() >= atKill + 200);
		}
		finally {
			writing.set(false);
			writer.join();
		}
		int total = writtenSoFar();
		int checkpointed = checkpointedLines();
		assertThat(checkpointed).isPositive().isLessThan(total);

		ConfigurableApplicationContext resumed = start(role("shipper"));
		LogShipper shipper = resumed.getBean(LogShipper.class);
		awaitIndexed();
		// the new shipper started exactly where the checkpoints said
		assertThat(shipper.shipped()).isEqualTo(total - checkpointed);
		assertThat(total()).isEqualTo(total);
		int twice = shippedTwice(total);
		System.out.printf("%s: %d lines, the killed shipper had checkpointed %d; %d shipped twice (overwritten)%n",
				this.run, total, checkpointed, twice);
		assertThat(twice).isLessThanOrEqualTo(MAX_LINES);
	}

	@Test
	void aBrokerOutageKeepsTheLinesInTheFilesUntilItIsBack() throws Exception {
		this.dir = Files.createTempDirectory("log-outage-" + this.run);
		ConfigurableApplicationContext indexer = start(role("indexer"));
		this.indices = indexer.getBean(LogIndices.class);
		TestBrokers.Broker redis = TestBrokers.redis();
		try (TcpProxy proxy = new TcpProxy(redis.port())) {
			Map<String, String> args = role("shipper");
			args.put("spring.data.redis.host", "127.0.0.1");
			args.put("spring.data.redis.port", Integer.toString(proxy.port()));
			args.put("mqlab.messaging.publish-timeout", "1s");
			args.put("mqlab.logs.shipper.retry-interval", "200ms");
			ConfigurableApplicationContext shipper = start(args);
			for (String service : SERVICES) {
				append(service, 0, 100);
			}
			awaitIndexed();
			proxy.cut();
			for (String service : SERVICES) {
				append(service, 100, 300);
			}
			MeterRegistry registry = shipper.getBean(MeterRegistry.class);
			await().atMost(PATIENCE)
				.pollInterval(POLL)
				.until(() -> registry.get("mqlab.logs.ship.failures").counter().count() >= 3);
			assertThat(total()).isEqualTo(200);
			proxy.restore();
			awaitIndexed();
		}
		int twice = shippedTwice(writtenSoFar());
		System.out.printf("%s: broker outage, %d lines, %d shipped more than once (overwritten)%n", this.run,
				writtenSoFar(), twice);
		// only the batch being retried when the broker came back can have been taken
		// twice
		assertThat(twice).isLessThanOrEqualTo(MAX_LINES);
	}

	private void awaitIndexed() {
		await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().untilAsserted(() -> {
			JsonNode counts = TestOpenSearch.search(this.indices.pattern(),
					"{\"size\":0,\"track_total_hits\":true,\"aggs\":{\"s\":{\"terms\":{\"field\":\"service\",\"size\":10}}}}");
			Map<String, Integer> indexed = new LinkedHashMap<>();
			for (JsonNode bucket : counts.path("aggregations").path("s").path("buckets")) {
				indexed.put(bucket.path("key").asString(), bucket.path("doc_count").asInt());
			}
			synchronized (this.written) {
				assertThat(indexed).isEqualTo(this.written);
			}
			assertThat(counts.path("hits").path("total").path("value").asInt()).isEqualTo(writtenSoFar());
		});
	}

	/** Documents written more than once (a version above 1). */
	private int shippedTwice(int total) {
		JsonNode all = TestOpenSearch.search(this.indices.pattern(),
				"{\"size\":" + total + ",\"version\":true,\"_source\":false}");
		int twice = 0;
		for (JsonNode hit : all.path("hits").path("hits")) {
			if (hit.path("_version").asInt() > 1) {
				twice++;
			}
		}
		return twice;
	}

	/** The lines before each checkpoint the killed shipper left. */
	private int checkpointedLines() throws IOException {
		Path file = this.dir.resolve("shipper/checkpoints.json");
		int lines = 0;
		for (JsonNode checkpoint : JsonMapper.shared().readTree(file.toFile())) {
			byte[] bytes = Files.readAllBytes(Path.of(checkpoint.path("path").asString()));
			long position = checkpoint.path("position").asLong();
			for (int i = 0; i < position; i++) {
				if (bytes[i] == '\n') {
					lines++;
				}
			}
		}
		return lines;
	}

	private Map<String, String> role(String role) {
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", this.broker.backend());
		args.put("spring.main.web-application-type", "none");
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.metrics.agent.enabled", "false");
		args.put("mqlab.messaging.partitions", "4");
		args.put("mqlab.logs.topic", "logs-" + this.run);
		args.put("mqlab.logs.indexer.group", "log-indexer-" + this.run);
		args.put("mqlab.logs.index-prefix", "t-logs-" + this.run + "-");
		args.put("mqlab.logs.opensearch.url", TestOpenSearch.url());
		args.put("mqlab.logs.shipper.source", "host-" + this.run);
		args.put("mqlab.logs.shipper.paths", this.dir.resolve("*.log").toString());
		args.put("mqlab.logs.shipper.checkpoints", this.dir.resolve("shipper/checkpoints.json").toString());
		args.put("mqlab.logs.shipper.poll-interval", "50ms");
		args.put("mqlab.logs.shipper.max-lines", Integer.toString(MAX_LINES));
		args.put("mqlab.logs.shipper.enabled", Boolean.toString(role.equals("shipper")));
		args.put("mqlab.logs.indexer.enabled", Boolean.toString(role.equals("indexer")));
		args.put("mqlab.logs.search.enabled", "false");
		args.putAll(this.broker.properties(this.run));
		return args;
	}

	private ConfigurableApplicationContext start(Map<String, String> args) {
		ConfigurableApplicationContext context = LogServiceApplication.builder().run(commandLine(args));
		this.contexts.add(context);
		return context;
	}

	private ServiceJvm startChildShipper() throws IOException {
		Map<String, String> args = role("shipper");
		args.put("logging.level.root", "WARN");
		return ServiceJvm.start(LogServiceApplication.class, "shipper-killed-" + this.run, args);
	}

	private static String[] commandLine(Map<String, String> args) {
		return args.entrySet()
			.stream()
			.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
	}

	private int writtenSoFar() {
		synchronized (this.written) {
			return this.written.values().stream().mapToInt(Integer::intValue).sum();
		}
	}

	private long total() {
		return TestOpenSearch.search(this.indices.pattern(), "{\"size\":0,\"track_total_hits\":true}")
			.path("hits")
			.path("total")
			.path("value")
			.asLong();
	}

	/** Lines {@code from} to {@code to} of a service, whole lines in one write. */
	private void append(String service, int from, int to) {
		StringBuilder lines = new StringBuilder();
		Instant now = Instant.now();
		for (int i = from; i < to; i++) {
			lines.append("{\"@timestamp\":\"")
				.append(now)
				.append("\",\"log\":{\"level\":\"INFO\"},\"service\":{\"name\":\"")
				.append(service)
				.append("\"},\"message\":\"line ")
				.append(i)
				.append("\"}\n");
		}
		try (BufferedWriter out = Files.newBufferedWriter(this.dir.resolve(service + ".log"), StandardCharsets.UTF_8,
				StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
			out.write(lines.toString());
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		synchronized (this.written) {
			this.written.merge(service, to - from, Integer::sum);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
