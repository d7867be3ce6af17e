package io.mqlab.recommendation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.recommendation.simulate.Shop;
import io.mqlab.recommendation.simulate.SimulatedClick;
import org.junit.jupiter.api.Test;
import io.mqlab.support.Http;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Not a test: {@code ./mqlab clicks-bench} runs it. Per backend, one service instance in
 * this JVM: N simulated clicks posted over HTTP by 4 clients in batches of 250 (ingest
 * rate), the time until all are in the aggregates (end-to-end rate), then, on the idle
 * service, the delay from posting one click of a new user to the first personal
 * recommendation it causes (p50 / p99 of P probes). Prints a Markdown table and writes it
 * to {@code mqlab.bench.out} when set. Settings: {@code mqlab.bench.clicks} (20000),
 * {@code mqlab.bench.probes} (200), {@code mqlab.bench.backends}
 * (kafka,kafka-streams,rabbitmq,redis,postgres; kafka-streams is Kafka with the Kafka
 * Streams engine).
 */
class ClickBenchmark {

	private static final Shop SHOP = new Shop("B-", 20, 10, 2000, 0.1);

	@Test
	void clicksPerSecondAndClickToRecommendationDelay() throws Exception {
		int clicks = Integer.getInteger("mqlab.bench.clicks", 20_000);
		int probes = Integer.getInteger("mqlab.bench.probes", 200);
		String[] backends = System.getProperty("mqlab.bench.backends", "kafka,kafka-streams,rabbitmq,redis,postgres")
			.split(",");
		List<String> rows = new ArrayList<>();
		rows.add(
				"| backend | clicks | ingest clicks/s | aggregated clicks/s (end to end) | click → recommendation p50 | p99 | max |");
		rows.add("|---|---|---|---|---|---|---|");
		for (String backend : backends) {
			rows.add(run(backend.trim(), clicks, probes));
			System.out.println("clicks-bench: " + rows.get(rows.size() - 1));
		}
		String table = String.join("\n", rows) + "\n";
		System.out.println("\n" + table);
		String out = System.getProperty("mqlab.bench.out");
		if (out != null && !out.isBlank()) {
			Files.createDirectories(Path.of(out).toAbsolutePath().getParent());
			Files.writeString(Path.of(out), table);
		}
	}

	/** One backend; {@code kafka-streams} is Kafka with the Kafka Streams engine. */
	private String run(String backend, int clicks, int probes) throws Exception {
		boolean streams = backend.equals("kafka-streams");
		TestBroker broker = TestBroker.of(streams ? "kafka" : backend);
		String run = "bench" + UUID.randomUUID().toString().substring(0, 8);
		Path dataDir = Files.createTempDirectory("recommendation-" + run);
		try (ServiceInstances instances = new ServiceInstances(broker, run, Clock.systemUTC(), dataDir)) {
			ConfigurableApplicationContext service = instances.start("a", Map.of("logging.level.root", "WARN",
					"mqlab.recommendation.engine", streams ? "kafka-streams" : "messaging"));
			Http api = ServiceInstances.http(service);
			List<SimulatedClick> warmUp = SHOP.sessions(2000, 1, null, null);
			post(api, warmUp);
			awaitApplied(service, warmUp.size());
			List<SimulatedClick> load = SHOP.sessions(clicks, 2, null, null);
			long started = System.nanoTime();
			post(api, load);
			double ingestSeconds = (System.nanoTime() - started) / 1e9;
			awaitApplied(service, warmUp.size() + load.size());
			double endToEndSeconds = (System.nanoTime() - started) / 1e9;
			List<Long> delays = new ArrayList<>();
			for (int i = 0; i < probes; i++) {
				delays.add(probe(api, run, i));
			}
			delays.sort(Long::compare);
			return "| %s | %d | %.0f | %.0f | %s | %s | %s |".formatted(backend, clicks, clicks / ingestSeconds,
					clicks / endToEndSeconds, ms(percentile(delays, 0.50)), ms(percentile(delays, 0.99)),
					ms(delays.get(delays.size() - 1)));
		}
		finally {
			deleteTree(dataDir);
		}
	}

	/** Posts from 4 clients at once, 250 clicks a request. */
	private static void post(Http api, List<SimulatedClick> clicks) throws Exception {
		ExecutorService clients = Executors.newFixedThreadPool(4);
		try {
			List<Future<Integer>> statuses = new ArrayList<>();
			for (int from = 0; from < clicks.size(); from += 250) {
				String body = clicks.subList(from, Math.min(clicks.size(), from + 250))
					.stream()
					.map(SimulatedClick::json)
					.collect(Collectors.joining(",", "[", "]"));
				statuses.add(clients.submit(() -> api.post("/clicks/batch", body).status()));
			}
			for (Future<Integer> status : statuses) {
				assertThat(status.get()).isEqualTo(202);
			}
		}
		finally {
			clients.shutdown();
		}
	}

	/** Nanoseconds from posting a new user's click to a personal recommendation. */
	private static long probe(Http api, String run, int i) {
		String user = "probe" + i + "-" + run;
		String click = new SimulatedClick(user, SHOP.sku(i % SHOP.groups(), 0), "VIEW", null, null).json();
		long started = System.nanoTime();
		assertThat(api.post("/clicks", click).status()).isEqualTo(202);
		long deadline = started + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			JsonNode items = api.get("/recommendations/" + user + "?limit=1").body().get("items");
			if (!items.isEmpty() && !"TRENDING".equals(items.get(0).get("basis").asString())) {
				return System.nanoTime() - started;
			}
		}
		throw new IllegalStateException("No personal recommendation for " + user + " within 30 s");
	}

	private static void awaitApplied(ConfigurableApplicationContext service, long expected) {
		MeterRegistry meters = service.getBean(MeterRegistry.class);
		await().atMost(Duration.ofMinutes(10))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> meters.find("recommendation.events")
				.tag("kind", "click")
				.tag("outcome", "applied")
				.counters()
				.stream()
				.mapToDouble((counter) -> counter.count())
				.sum() >= expected);
	}

	private static long percentile(List<Long> sorted, double p) {
		return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
	}

	private static String ms(long nanos) {
		return "%.1f ms".formatted(nanos / 1e6);
	}

	private static void deleteTree(Path root) throws IOException {
		try (var files = Files.walk(root)) {
			files.sorted((x, y) -> y.compareTo(x)).forEach((file) -> file.toFile().delete());
		}
	}

}
