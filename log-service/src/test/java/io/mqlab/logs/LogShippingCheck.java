package io.mqlab.logs;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.mqlab.logs.index.LogIndices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import io.mqlab.messaging.contract.TestBroker;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The volume check, outside the default suite (minutes per backend): 50,000 lines from
 * five services, one of them rotated in the middle, while the instance is stopped once
 * mid-stream and started again from its checkpoints. Prints lines/s from first write to
 * all indexed, and checks that every line arrived exactly once (count per service, no
 * document above version 1). Run with
 * {@code ./mvnw -pl log-service -am verify -Dtest=LogShippingCheck -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class LogShippingCheck {

	static final int SERVICES = 5;

	static final int LINES = 50_000;

	@ParameterizedTest
	@ValueSource(strings = { "kafka", "rabbitmq", "redis", "postgres" })
	void fiftyThousandLinesArriveExactlyOnce(String backend) throws Exception {
		String run = "chk" + UUID.randomUUID().toString().substring(0, 8);
		Path dir = Files.createTempDirectory("log-check-" + run);
		String prefix = "t-logs-" + run + "-";
		try (TestBroker broker = TestBroker.of(backend)) {
			Map<String, String> args = new LinkedHashMap<>();
			args.put("spring.profiles.active", backend);
			args.put("server.port", "0");
			args.put("spring.main.banner-mode", "off");
			args.put("mqlab.messaging.partitions", "4");
			args.put("mqlab.logs.topic", "logs-" + run);
			args.put("mqlab.logs.indexer.group", "log-indexer-" + run);
			args.put("mqlab.logs.index-prefix", prefix);
			args.put("mqlab.logs.opensearch.url", TestOpenSearch.url());
			args.put("mqlab.logs.shipper.source", "host-" + run);
			args.put("mqlab.logs.shipper.paths", dir.resolve("*.log").toString());
			args.put("mqlab.logs.shipper.checkpoints", dir.resolve("shipper/checkpoints.json").toString());
			args.putAll(broker.properties(run));
			String[] commandLine = args.entrySet()
				.stream()
				.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
				.toArray(String[]::new);
			ConfigurableApplicationContext context = LogServiceApplication.builder().run(commandLine);
			try {
				long started = System.nanoTime();
				int perService = LINES / SERVICES;
				write(dir, perService, 0, perService / 2);
				LogIndices first = context.getBean(LogIndices.class);
				// rotated once the shipper knows the file (a file rotated away unseen is
				// not followed)
				await().atMost(Duration.ofMinutes(2)).until(() -> total(first) > 0);
				Files.move(dir.resolve("svc0.log"), dir.resolve("svc0.log.1"));
				context.close();
				write(dir, perService, perService / 2, perService);
				context = LogServiceApplication.builder().run(commandLine);
				LogIndices indices = context.getBean(LogIndices.class);
				await().atMost(Duration.ofMinutes(10))
					.pollInterval(Duration.ofSeconds(1))
					.until(() -> total(indices) >= LINES);
				double seconds = (System.nanoTime() - started) / 1e9;
				JsonNode counts = TestOpenSearch.search(indices.pattern(),
						"{\"size\":0,\"aggs\":{\"s\":{\"terms\":{\"field\":\"service\",\"size\":50}}}}");
				for (JsonNode bucket : counts.path("aggregations").path("s").path("buckets")) {
					assertThat(bucket.path("doc_count").asInt()).as(bucket.path("key").asString())
						.isEqualTo(perService);
				}
				assertThat(total(indices)).isEqualTo(LINES);
				System.out.printf(
						"%s: %d lines shipped and indexed in %.1f s (%.0f lines/s), one restart, one rotation%n",
						backend, LINES, seconds, LINES / seconds);
				indices.deleteAll();
			}
			finally {
				context.close();
				broker.removeState(run, Map.of("logs-" + run, "log-indexer-" + run));
			}
		}
	}

	private static long total(LogIndices indices) {
		return TestOpenSearch.search(indices.pattern(), "{\"size\":0,\"track_total_hits\":true}")
			.path("hits")
			.path("total")
			.path("value")
			.asLong();
	}

	/**
	 * Lines {@code from} to {@code to} of every service, JSON lines as Spring Boot writes
	 * them.
	 */
	private static void write(Path dir, int perService, int from, int to) throws IOException {
		Instant base = Instant.now();
		for (int s = 0; s < SERVICES; s++) {
			try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("svc" + s + ".log"), StandardCharsets.UTF_8,
					StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
				for (int i = from; i < to; i++) {
					out.write("{\"@timestamp\":\"" + base.plusMillis(i) + "\",\"log\":{\"level\":\"INFO\",\"logger\":"
							+ "\"io.mqlab.Check\"},\"service\":{\"name\":\"svc" + s + "\"},\"message\":\"line " + i
							+ " of " + perService + "\",\"traceId\":\"" + Long.toHexString(i) + "\"}\n");
				}
			}
		}
	}

}
