package io.mqlab.support.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

import io.mqlab.messaging.Messaging;
import io.mqlab.support.metrics.MetricsSampled.Sample;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent in a small service on a real broker: a group subscribed to the run's metrics
 * topic sees one batch per interval from the instance, with every series of the contract
 * and values that make sense, while the service takes HTTP requests (some failing),
 * publishes and handles messages (some failing once). One subclass per backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MetricsAgentTests {

	static final Set<String> REQUIRED = Set.of("host.cpu.usage", "host.memory.used", "host.swap.used", "host.disk.used",
			"host.disk.read.bytes", "host.disk.write.bytes", "host.net.received.bytes", "host.net.sent.bytes",
			"process.cpu.usage", "process.rss", "process.threads", "process.open.fds", "http.requests.rate",
			"http.errors.rate", "http.latency.p99", "messages.published.rate", "messages.consumed.rate",
			"messages.failed.rate", "consumer.backlog");

	static final Duration INTERVAL = Duration.ofMillis(500);

	final String run = "agent" + UUID.randomUUID().toString().substring(0, 8);

	final String metricsTopic = "metrics-" + this.run;

	final String workTopic = "work-" + this.run;

	/** Batches and the key each came with. */
	private final Queue<Map.Entry<String, MetricsSampled>> received = new ConcurrentLinkedQueue<>();

	private ConfigurableApplicationContext service;

	private MetricsAgent agent;

	private final HttpClient http = HttpClient.newHttpClient();

	/** Connects the service to this backend, for this run. */
	abstract Map<String, String> backendProperties();

	/** Removes what the run left on a broker that outlives the JVM. */
	abstract void removeState();

	@BeforeAll
	void startService() {
		Map<String, Object> properties = new HashMap<>(backendProperties());
		properties.put("spring.application.name", "agent-test");
		properties.put("server.port", "0");
		properties.put("mqlab.messaging.partitions", "2");
		properties.put("mqlab.messaging.backlog-interval", "1s");
		properties.put("mqlab.messaging.retry.initial-delay", "10ms");
		properties.put("mqlab.metrics.agent.interval", INTERVAL.toString());
		properties.put("mqlab.metrics.agent.topic", this.metricsTopic);
		properties.put("agent-test.work-topic", this.workTopic);
		this.service = new SpringApplicationBuilder(AgentTestService.class).properties(properties).run();
		this.agent = this.service.getBean(MetricsAgent.class);
		Messaging messaging = this.service.getBean(Messaging.class);
		messaging.subscribe(this.metricsTopic, "monitoring", MetricsSampled.class,
				(batch, context) -> this.received.add(Map.entry(context.envelope().key(), batch)));
		messaging.subscribe(this.workTopic, "worker", String.class, (work, context) -> {
			if (context.attempt() == 1) {
				throw new IllegalStateException("fails once: " + work);
			}
		});
	}

	@AfterAll
	void stopService() {
		if (this.service != null) {
			this.service.close();
		}
		removeState();
	}

	@Test
	void everySeriesOfTheContractWithSaneValues() throws Exception {
		for (int i = 0; i < 20; i++) {
			assertThat(get("/work")).isEqualTo(200);
			if (i % 4 == 0) {
				assertThat(get("/broken")).isEqualTo(503);
			}
		}
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			List<MetricsSampled> batches = ours();
			assertThat(batches).isNotEmpty();
			// consumer.backlog once the group's subscription has a backlog from the
			// broker
			assertThat(batches).allSatisfy((batch) -> assertThat(names(batch))
				.containsAll(REQUIRED.stream().filter((name) -> !name.equals("consumer.backlog")).toList()));
			assertThat(names(batches.get(batches.size() - 1))).containsAll(REQUIRED);
			assertThat(batches).anyMatch(positive("http.requests.rate"))
				.anyMatch(positive("http.errors.rate"))
				.anyMatch(positive("http.latency.p99"))
				.anyMatch(positive("messages.published.rate"))
				.anyMatch(positive("messages.consumed.rate"))
				.anyMatch(positive("messages.failed.rate"))
				.anyMatch((batch) -> batch.samples()
					.stream()
					.anyMatch((s) -> s.name().equals("consumer.backlog")
							&& s.labels().equals(Map.of("topic", this.metricsTopic, "group", "monitoring"))));
		});
		for (MetricsSampled batch : ours()) {
			assertThat(batch.service()).isEqualTo("agent-test");
			assertThat(batch.host()).isNotBlank();
			assertThat(batch.pid()).isEqualTo(ProcessHandle.current().pid());
			assertThat(batch.instance()).isEqualTo("agent-test-" + batch.host() + "-" + batch.pid());
			assertThat(batch.intervalSeconds()).isEqualTo(0.5);
			assertThat(batch.at()).isBetween(Instant.now().minusSeconds(120), Instant.now());
			assertThat(value(batch, "host.cpu.usage")).isBetween(0.0, 1.0);
			assertThat(value(batch, "process.cpu.usage")).isBetween(0.0, 1.0);
			assertThat(value(batch, "host.memory.used")).isPositive()
				.isLessThanOrEqualTo(value(batch, "host.memory.total"));
			assertThat(value(batch, "process.rss")).isGreaterThan(10e6).isLessThan(value(batch, "host.memory.total"));
			assertThat(value(batch, "host.disk.used")).isPositive()
				.isLessThanOrEqualTo(value(batch, "host.disk.total"));
			assertThat(value(batch, "process.threads")).isGreaterThanOrEqualTo(10);
			assertThat(value(batch, "process.open.fds")).isGreaterThanOrEqualTo(10);
			assertThat(value(batch, "host.swap.used")).isNotNegative();
			for (String rate : List.of("host.disk.read.bytes", "host.disk.write.bytes", "host.net.received.bytes",
					"host.net.sent.bytes", "http.requests.rate", "http.errors.rate", "messages.published.rate",
					"messages.consumed.rate", "messages.failed.rate")) {
				assertThat(value(batch, rate)).as(rate).isNotNegative().isLessThan(1e10);
			}
			assertThat(value(batch, "http.latency.p99")).isNotNegative().isLessThan(5.0);
			assertThat(value(batch, "metrics.agent.dropped")).isZero();
		}
		assertThat(this.received)
			.allSatisfy((entry) -> assertThat(entry.getKey()).isEqualTo(entry.getValue().instance()));
	}

	@Test
	void oneBatchPerInterval() {
		await().atMost(Duration.ofSeconds(30)).until(() -> ours().size() >= 8);
		List<MetricsSampled> batches = ours();
		List<Long> gaps = new ArrayList<>();
		for (int i = 1; i < batches.size(); i++) {
			gaps.add(Duration.between(batches.get(i - 1).at(), batches.get(i).at()).toMillis());
		}
		// never two in one interval; on a busy machine a tick may come late, but it keeps
		// up
		assertThat(gaps).allMatch((gap) -> gap >= INTERVAL.toMillis() / 2);
		assertThat(gaps.stream().mapToLong(Long::longValue).average().orElseThrow())
			.isLessThan(2.0 * INTERVAL.toMillis());
	}

	private List<MetricsSampled> ours() {
		return this.received.stream()
			.map(Map.Entry::getValue)
			.filter((batch) -> batch.instance().equals(this.agent.instance()))
			.sorted((a, b) -> a.at().compareTo(b.at()))
			.toList();
	}

	private static Set<String> names(MetricsSampled batch) {
		return Set.copyOf(batch.samples().stream().map(Sample::name).toList());
	}

	private static double value(MetricsSampled batch, String name) {
		return batch.samples()
			.stream()
			.filter((s) -> s.name().equals(name))
			.mapToDouble(Sample::value)
			.findFirst()
			.orElseThrow(() -> new AssertionError("No " + name + " in " + batch));
	}

	private static Predicate<MetricsSampled> positive(String name) {
		return (batch) -> batch.samples().stream().anyMatch((s) -> s.name().equals(name) && s.value() > 0);
	}

	private int get(String path) throws IOException, InterruptedException {
		int port = ((WebServerApplicationContext) this.service).getWebServer().getPort();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
		return this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	/** A service with the library and the agent, two endpoints and nothing else. */
	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
			"org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration" })
	@Import(AgentTestService.Endpoints.class)
	static class AgentTestService {

		@RestController
		static class Endpoints {

			private final Messaging messaging;

			private final String topic;

			Endpoints(Messaging messaging, org.springframework.core.env.Environment environment) {
				this.messaging = messaging;
				this.topic = environment.getRequiredProperty("agent-test.work-topic");
			}

			@GetMapping("/work")
			String work() {
				this.messaging.publish(this.topic, "k", "w");
				return "done";
			}

			@GetMapping("/ping")
			String ping() {
				return "pong";
			}

			@GetMapping("/broken")
			ResponseEntity<String> broken() {
				return ResponseEntity.status(503).body("down");
			}

		}

	}

}
