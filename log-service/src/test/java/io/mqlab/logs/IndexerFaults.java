package io.mqlab.logs;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.logs.index.LogIndices;
import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.support.ServiceJvm;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The indexer's faults on one backend, while two services keep writing: its JVM killed
 * hard (SIGKILL) mid-stream and a new indexer started, and OpenSearch itself killed
 * mid-stream and started again on its data. Either way every line ends up in the index
 * exactly once: the count per service is what was written, and the total is their sum.
 * What the killed indexer had indexed but not yet acknowledged is delivered again and
 * overwrites its documents (ids from source, file and position), which the figures
 * printed show as documents above version 1. One run (topic, group, index prefix, files)
 * per instance, removed by {@link #close()}.
 */
final class IndexerFaults implements AutoCloseable {

	static final Duration PATIENCE = Duration.ofSeconds(90);

	static final Duration POLL = Duration.ofMillis(100);

	static final List<String> SERVICES = List.of("svc-a", "svc-b");

	private final String run = "idxf" + UUID.randomUUID().toString().substring(0, 8);

	private final TestBroker broker;

	private final Path dir;

	private final Map<String, Integer> written = new LinkedHashMap<>();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final AtomicBoolean writing = new AtomicBoolean();

	private Thread writer;

	private ServiceJvm child;

	private PrivateOpenSearch node;

	private String opensearch = TestOpenSearch.url();

	private LogIndices indices;

	IndexerFaults(String backend) throws IOException {
		this.broker = TestBroker.of(backend);
		this.dir = Files.createTempDirectory("log-indexer-faults-" + this.run);
	}

	/**
	 * The indexer runs in a child JVM, killed with SIGKILL while lines flow; the shipper
	 * (in this JVM) goes on publishing; a new indexer takes over what the killed one left
	 * unacknowledged.
	 */
	void killTheIndexerMidStream() throws Exception {
		for (String service : SERVICES) {
			append(service, 1);
		}
		// the child JVM boots while this one starts the shipper
		this.child = startChild(role("indexer"));
		this.indices = start(role("shipper")).getBean(LogIndices.class);
		await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().until(() -> total() >= SERVICES.size());
		startWriting();
		await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().until(() -> total() >= 300);
		// SIGKILL (exit code 137 asserted): the JVM runs no shutdown hook
		this.child.kill();
		long atKill = total();
		int writtenAtKill = writtenSoFar();
		// lines go on being shipped while no indexer runs
		await().atMost(PATIENCE).pollInterval(POLL).until(() -> writtenSoFar() >= writtenAtKill + 300);
		start(role("indexer"));
		// the new indexer indexes while the services still write
		await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().until(() -> total() >= writtenAtKill + 100);
		stopWriting();
		awaitExactlyOnce();
		System.out.printf("%s %s: indexer JVM killed at %d indexed lines; %d lines, %d indexed twice (overwritten)%n",
				this.run, this.broker.backend(), atKill, writtenSoFar(), overwritten());
	}

	/**
	 * OpenSearch (a node of the test's own) killed with SIGKILL while lines flow, and
	 * started again on its data a few retries later: the indexer backs off, retries its
	 * batch, and resumes; nothing is dead-lettered. What OpenSearch acknowledged before
	 * it was killed is in its translog (fsynced per request), so nothing is lost there
	 * either.
	 */
	void stopOpenSearchMidStream() throws Exception {
		this.node = PrivateOpenSearch.create(this.run);
		this.opensearch = this.node.url();
		// the node starts while the instance does (its indexer retries until it is up)
		CompletableFuture<Void> nodeStarted = CompletableFuture.runAsync(this.node::start);
		for (String service : SERVICES) {
			append(service, 1);
		}
		Map<String, String> args = role("shipper");
		args.put("mqlab.logs.indexer.enabled", "true");
		ConfigurableApplicationContext instance = start(args);
		this.indices = instance.getBean(LogIndices.class);
		nodeStarted.get();
		await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().until(() -> total() >= SERVICES.size());
		startWriting();
		await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().until(() -> total() >= 300);
		this.node.kill();
		long atKill = writtenSoFar();
		double retriedBefore = count(instance, "mqlab.messages.retried");
		await().atMost(PATIENCE)
			.pollInterval(POLL)
			.until(() -> count(instance, "mqlab.messages.retried") - retriedBefore >= 3
					&& writtenSoFar() >= atKill + 150);
		// the backlog stays small: the services stop writing while OpenSearch is down
		stopWriting();
		long started = System.nanoTime();
		this.node.start();
		double down = (System.nanoTime() - started) / 1e9;
		for (String service : SERVICES) {
			append(service, 1);
		}
		awaitExactlyOnce();
		assertThat(count(instance, "mqlab.messages.dead.lettered")).isZero();
		System.out.printf(
				"%s %s: OpenSearch killed at %d written lines, %.1f s to start again, %.0f retries; %d lines, %d indexed twice (overwritten)%n",
				this.run, this.broker.backend(), atKill, down,
				count(instance, "mqlab.messages.retried") - retriedBefore, writtenSoFar(), overwritten());
	}

	@Override
	public void close() throws IOException {
		try {
			stopWriting();
			if (this.child != null) {
				this.child.close();
			}
			if (this.indices != null && this.node == null) {
				this.indices.deleteAll();
			}
		}
		finally {
			try {
				for (ConfigurableApplicationContext context : this.contexts) {
					context.close();
				}
			}
			finally {
				if (this.node != null) {
					this.node.close();
				}
				this.broker.removeState(this.run, Map.of("logs-" + this.run, "log-indexer-" + this.run));
				this.broker.close();
				try (Stream<Path> files = Files.walk(this.dir)) {
					files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
				}
			}
		}
	}

	/**
	 * Every service's count is what was written, and the total their sum: no line
	 * missing, none twice.
	 */
	private void awaitExactlyOnce() {
		await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().untilAsserted(() -> {
			JsonNode counts = TestOpenSearch.search(this.opensearch, this.indices.pattern(),
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

	/**
	 * Documents written more than once (a version above 1), read a page at a time in id
	 * order.
	 */
	private int overwritten() {
		int twice = 0;
		String after = null;
		while (true) {
			JsonNode hits = TestOpenSearch
				.search(this.opensearch, this.indices.pattern(),
						"{\"size\":5000,\"version\":true,\"_source\":false,\"sort\":[{\"id\":\"asc\"}]"
								+ ((after != null) ? ",\"search_after\":[\"" + after + "\"]" : "") + "}")
				.path("hits")
				.path("hits");
			if (hits.isEmpty()) {
				return twice;
			}
			for (JsonNode hit : hits) {
				if (hit.path("_version").asInt() > 1) {
					twice++;
				}
				after = hit.path("sort").path(0).asString();
			}
		}
	}

	private long total() {
		return TestOpenSearch.search(this.opensearch, this.indices.pattern(), "{\"size\":0,\"track_total_hits\":true}")
			.path("hits")
			.path("total")
			.path("value")
			.asLong();
	}

	private Map<String, String> role(String role) {
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", this.broker.backend());
		args.put("spring.main.web-application-type", "none");
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.metrics.agent.enabled", "false");
		args.put("mqlab.messaging.partitions", "4");
		args.putAll(quickFailover());
		args.put("mqlab.logs.topic", "logs-" + this.run);
		args.put("mqlab.logs.indexer.group", "log-indexer-" + this.run);
		args.put("mqlab.logs.index-prefix", "t-logs-" + this.run + "-");
		args.put("mqlab.logs.opensearch.url", this.opensearch);
		// OpenSearch may be down for long on a loaded machine: retry, never dead-letter
		args.put("mqlab.logs.indexer.max-attempts", "1000");
		args.put("mqlab.logs.indexer.initial-delay", "100ms");
		args.put("mqlab.logs.indexer.max-delay", "1s");
		args.put("mqlab.logs.shipper.source", "host-" + this.run);
		args.put("mqlab.logs.shipper.paths", this.dir.resolve("*.log").toString());
		args.put("mqlab.logs.shipper.checkpoints", this.dir.resolve("shipper/checkpoints.json").toString());
		args.put("mqlab.logs.shipper.poll-interval", "50ms");
		args.put("mqlab.logs.shipper.max-lines", "50");
		args.put("mqlab.logs.shipper.enabled", Boolean.toString(role.equals("shipper")));
		args.put("mqlab.logs.indexer.enabled", Boolean.toString(role.equals("indexer")));
		args.put("mqlab.logs.search.enabled", "false");
		args.putAll(this.broker.properties(this.run));
		return args;
	}

	/**
	 * A new indexer takes over from a dead one within seconds, not after the defaults
	 * (Kafka's session timeout, the Redis and PostgreSQL visibility timeout); RabbitMQ
	 * requeues at once when the connection drops.
	 */
	private Map<String, String> quickFailover() {
		return switch (this.broker.backend()) {
			case "kafka" -> Map.of("spring.kafka.consumer.properties.session.timeout.ms", "6000",
					"spring.kafka.consumer.properties.heartbeat.interval.ms", "1000");
			case "redis", "postgres" -> Map.of("mqlab.messaging.visibility-timeout", "3s");
			default -> Map.of();
		};
	}

	private ConfigurableApplicationContext start(Map<String, String> args) {
		ConfigurableApplicationContext context = LogServiceApplication.builder().run(commandLine(args));
		this.contexts.add(context);
		return context;
	}

	private ServiceJvm startChild(Map<String, String> args) throws IOException {
		args.put("logging.level.root", "WARN");
		return ServiceJvm.start(LogServiceApplication.class, "indexer-killed-" + this.run, args);
	}

	private static String[] commandLine(Map<String, String> args) {
		return args.entrySet()
			.stream()
			.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
	}

	private static double count(ConfigurableApplicationContext context, String meter) {
		return context.getBean(MeterRegistry.class).find(meter).counters().stream().mapToDouble(Counter::count).sum();
	}

	/** About 500 lines/s: five lines per service every 20 ms. */
	private void startWriting() {
		this.writing.set(true);
		this.writer = new Thread(() -> {
			while (this.writing.get()) {
				for (String service : SERVICES) {
					append(service, 5);
				}
				try {
					Thread.sleep(20);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "log-writer");
		this.writer.start();
	}

	private void stopWriting() {
		this.writing.set(false);
		if (this.writer != null) {
			try {
				this.writer.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private int writtenSoFar() {
		synchronized (this.written) {
			return this.written.values().stream().mapToInt(Integer::intValue).sum();
		}
	}

	/** The next {@code count} lines of a service, whole lines in one write. */
	private void append(String service, int count) {
		StringBuilder lines = new StringBuilder();
		Instant now = Instant.now();
		int from;
		synchronized (this.written) {
			from = this.written.getOrDefault(service, 0);
		}
		for (int i = from; i < from + count; i++) {
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
			throw new UncheckedIOException(ex);
		}
		synchronized (this.written) {
			this.written.merge(service, count, Integer::sum);
		}
	}

}
