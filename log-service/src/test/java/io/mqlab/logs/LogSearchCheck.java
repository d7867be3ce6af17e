package io.mqlab.logs;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.mqlab.logs.index.LogIndices;
import io.mqlab.messaging.contract.TestBroker;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The faceted search benchmark, outside the default suite: {@value #LINES} log lines of
 * ten services over the last 24 hours (levels, loggers, trace ids and messages as the
 * services write them) bulk-loaded straight into a test index of the shared OpenSearch
 * (through the service's index template), then {@value #REQUESTS} searches through the
 * search API as the page issues them (a time range of 15 min to 7 days, size 100, the
 * histogram, the counts per service and level), with varied words, phrases, service and
 * level filters and trace ids. Prints the load rate and the search latency p50, p95, p99
 * and maximum (goal: p95 under 500 ms). The search reads only OpenSearch, so one backend
 * stands for all. The index is deleted afterwards. Run with
 * {@code ./mvnw -B -ntp -pl log-service -am verify -Dtest=LogSearchCheck -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class LogSearchCheck {

	static final int LINES = 1_000_000;

	static final int BULK = 5_000;

	static final int WARM_UP = 30;

	static final int REQUESTS = 300;

	static final List<String> SERVICES = List.of("order-service", "order-service-new", "reconciliation-service",
			"recommendation-service", "catalog-service", "cdc-service", "log-service", "monitoring-service",
			"iot-service", "gateway");

	static final List<String> WORDS = List.of("order", "payment", "timeout", "accepted", "retrying", "connection",
			"device", "temperature", "slow", "published", "cancelled", "customer", "refused", "reconciled",
			"recommendation", "\"order accepted\"", "\"connection reset\"", "payment -timeout", "order cancelled",
			"devic*", "failed", "lag", "batch");

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void facetedSearchOverAMillionLines() throws Exception {
		String run = "srch" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", "redis");
		args.put("server.port", "0");
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.metrics.agent.enabled", "false");
		args.put("mqlab.logs.index-prefix", "t-logs-" + run + "-");
		args.put("mqlab.logs.opensearch.url", TestOpenSearch.url());
		args.put("mqlab.logs.shipper.enabled", "false");
		args.put("mqlab.logs.indexer.enabled", "false");
		args.putAll(TestBroker.redisProperties());
		ConfigurableApplicationContext context = LogServiceApplication.builder()
			.run(args.entrySet()
				.stream()
				.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
				.toArray(String[]::new));
		LogIndices indices = context.getBean(LogIndices.class);
		try {
			Instant now = Instant.now();
			List<String> traceIds = load(indices, now);
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			JsonNode all = JsonMapper.shared()
				.readTree(get(port, "from=" + now.minus(Duration.ofDays(7)) + "&to=" + now.plusSeconds(60)).body());
			assertThat(all.path("total").asLong()).isEqualTo(LINES);

			Random random = new Random(42);
			for (int i = 0; i < WARM_UP; i++) {
				get(port, query(random, traceIds));
			}
			double[] millis = new double[REQUESTS];
			long hits = 0;
			for (int i = 0; i < REQUESTS; i++) {
				String query = query(random, traceIds);
				long started = System.nanoTime();
				HttpResponse<String> response = get(port, query);
				millis[i] = (System.nanoTime() - started) / 1e6;
				assertThat(response.statusCode()).as(query + ": " + response.body()).isEqualTo(200);
				hits += JsonMapper.shared().readTree(response.body()).path("total").asLong();
			}
			Arrays.sort(millis);
			System.out.printf(
					"faceted search over %d lines: %d requests (%d lines matched on average), p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms%n",
					LINES, REQUESTS, hits / REQUESTS, millis[REQUESTS / 2], millis[(int) (REQUESTS * 0.95)],
					millis[(int) (REQUESTS * 0.99)], millis[REQUESTS - 1]);
		}
		finally {
			try {
				indices.deleteAll();
			}
			finally {
				context.close();
			}
		}
	}

	/**
	 * One search as the page sends it: a time range, size 100, and sometimes words, a
	 * service, a level or a trace id.
	 */
	private static String query(Random random, List<String> traceIds) {
		Instant to = Instant.now();
		Duration range = List.of(Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(24), Duration.ofDays(7))
			.get(random.nextInt(4));
		StringBuilder query = new StringBuilder("from=" + to.minus(range) + "&to=" + to + "&size=100");
		if (random.nextInt(10) < 7) {
			query.append("&q=")
				.append(URLEncoder.encode(WORDS.get(random.nextInt(WORDS.size())), StandardCharsets.UTF_8));
		}
		if (random.nextInt(10) < 3) {
			query.append("&service=").append(SERVICES.get(random.nextInt(SERVICES.size())));
		}
		if (random.nextInt(10) < 3) {
			query.append("&level=").append(List.of("ERROR", "WARN", "INFO", "DEBUG").get(random.nextInt(4)));
		}
		if (random.nextInt(20) == 0) {
			query.append("&traceId=").append(traceIds.get(random.nextInt(traceIds.size())));
		}
		return query.toString();
	}

	/**
	 * Bulk-loads the lines (refresh off meanwhile, two requests in flight), returns some
	 * of their trace ids.
	 */
	private List<String> load(LogIndices indices, Instant now) throws Exception {
		indices.ensureTemplate();
		Instant first = now.minus(Duration.ofHours(24));
		List<String> days = List.of(indices.indexOf(first), indices.indexOf(now));
		for (String index : days.stream().distinct().toList()) {
			TestOpenSearch.send(TestOpenSearch.url(), "PUT", "/" + index,
					"{\"settings\":{\"refresh_interval\":\"-1\"}}");
		}
		List<String> traceIds = new ArrayList<>();
		long started = System.nanoTime();
		ExecutorService loaders = Executors.newFixedThreadPool(2);
		try {
			List<Future<?>> batches = new ArrayList<>();
			for (int from = 0; from < LINES; from += BULK) {
				int start = from;
				String traceId = traceId(new Random(start));
				traceIds.add(traceId);
				batches.add(loaders.submit(() -> {
					String body = bulk(indices, start, Math.min(start + BULK, LINES), first, now);
					String answer = TestOpenSearch.send(TestOpenSearch.url(), "POST", "/_bulk", body);
					assertThat(answer.substring(0, Math.min(100, answer.length()))).contains("\"errors\":false");
					return null;
				}));
			}
			for (Future<?> batch : batches) {
				batch.get();
			}
		}
		finally {
			loaders.shutdownNow();
		}
		for (String index : days.stream().distinct().toList()) {
			TestOpenSearch.send(TestOpenSearch.url(), "PUT", "/" + index + "/_settings",
					"{\"index\":{\"refresh_interval\":\"1s\"}}");
		}
		TestOpenSearch.send(TestOpenSearch.url(), "POST", "/" + indices.pattern() + "/_refresh", "");
		double seconds = (System.nanoTime() - started) / 1e9;
		System.out.printf("loaded %d lines in %.0f s (%.0f lines/s)%n", LINES, seconds, LINES / seconds);
		return traceIds;
	}

	/**
	 * Lines {@code from} to {@code to}, evenly over the day, as the indexer would have
	 * indexed them: the parsed fields and the raw JSON line. One trace per five lines.
	 */
	private static String bulk(LogIndices indices, int from, int to, Instant first, Instant now) {
		Random random = new Random(from);
		long spanMillis = Duration.between(first, now).toMillis();
		StringBuilder body = new StringBuilder((to - from) * 700);
		String traceId = traceId(random);
		for (int i = from; i < to; i++) {
			if (i % 5 == 0 && i != from) {
				traceId = traceId(random);
			}
			Instant time = first.plusMillis(spanMillis * i / LINES);
			String service = SERVICES.get(random.nextInt(SERVICES.size()));
			int roll = random.nextInt(100);
			String level = (roll < 3) ? "ERROR" : (roll < 10) ? "WARN" : (roll < 20) ? "DEBUG" : "INFO";
			String logger = "io.mqlab." + service.replace("-service", "").replace("-", "") + "."
					+ List.of("OrderHandler", "Listener", "Controller", "Repository", "Publisher")
						.get(random.nextInt(5));
			String message = message(random, level);
			String raw = "{\\\"@timestamp\\\":\\\"" + time + "\\\",\\\"log\\\":{\\\"level\\\":\\\"" + level
					+ "\\\",\\\"logger\\\":\\\"" + logger + "\\\"},\\\"service\\\":{\\\"name\\\":\\\"" + service
					+ "\\\"},\\\"message\\\":\\\"" + message + "\\\",\\\"trace\\\":{\\\"id\\\":\\\"" + traceId
					+ "\\\"}}";
			String id = "b" + Integer.toString(i, 36) + "-" + UUID.nameUUIDFromBytes(Integer.toString(i).getBytes());
			body.append("{\"index\":{\"_index\":\"")
				.append(indices.indexOf(time))
				.append("\",\"_id\":\"")
				.append(id)
				.append("\"}}\n");
			body.append("{\"id\":\"")
				.append(id)
				.append("\",\"@timestamp\":\"")
				.append(time)
				.append("\",\"indexedAt\":\"")
				.append(time.plusMillis(800))
				.append("\",\"service\":\"")
				.append(service)
				.append("\",\"level\":\"")
				.append(level)
				.append("\",\"logger\":\"")
				.append(logger)
				.append("\",\"thread\":\"exec-")
				.append(random.nextInt(8))
				.append("\",\"traceId\":\"")
				.append(traceId)
				.append("\",\"spanId\":\"")
				.append(traceId, 0, 16)
				.append("\",\"message\":\"")
				.append(message)
				.append("\",\"source\":\"host-")
				.append(random.nextInt(3))
				.append("\",\"file\":\"/var/log/mqlab/")
				.append(service)
				.append(".log\",\"fileId\":\"f1\",\"position\":")
				.append(i * 300L)
				.append(",\"json\":true,\"raw\":\"")
				.append(raw)
				.append("\"");
			if ("ERROR".equals(level)) {
				body.append(",\"error\":\"java.io.IOException: Connection reset by peer\\n\\tat io.mqlab.")
					.append(service.replace("-", ""))
					.append(".Client.call(Client.java:42)\"");
			}
			body.append("}\n");
		}
		return body.toString();
	}

	private static String message(Random random, String level) {
		int order = 100_000 + random.nextInt(900_000);
		return switch (level) {
			case "ERROR" -> List
				.of("Failed to publish event for order " + order + ": connection refused",
						"Payment timeout for order " + order + " could not be cancelled: lock timeout",
						"Batch of " + random.nextInt(500) + " events refused by the index: 429 Too Many Requests")
				.get(random.nextInt(3));
			case "WARN" -> List.of("Retrying batch after " + random.nextInt(2000) + " ms: connection reset",
					"Slow query on orders: " + (200 + random.nextInt(3000)) + " ms",
					"Consumer lag of " + random.nextInt(10_000) + " messages on partition " + random.nextInt(8),
					"Device sensor-" + random.nextInt(500) + " reported temperature " + (60 + random.nextInt(40))
							+ " C above the threshold")
				.get(random.nextInt(4));
			case "DEBUG" -> List.of("Polled " + random.nextInt(100) + " records in " + random.nextInt(50) + " ms",
					"Cache hit for product " + random.nextInt(10_000),
					"Lease renewed for partition " + random.nextInt(8))
				.get(random.nextInt(3));
			default -> List.of(
					"Order " + order + " accepted for customer " + random.nextInt(50_000) + ", "
							+ (1 + random.nextInt(9)) + " items",
					"Published ORDER event for order " + order + " in " + random.nextInt(40) + " ms",
					"Order " + order + " cancelled after payment timeout",
					"Order " + order + " reconciled: legacy and new agree",
					"Recommendation refreshed for customer " + random.nextInt(50_000) + ": " + random.nextInt(20)
							+ " products",
					"GET /api/orders/" + order + " 200 in " + random.nextInt(80) + " ms",
					"Device sensor-" + random.nextInt(500) + " state updated")
				.get(random.nextInt(7));
		};
	}

	private static String traceId(Random random) {
		return String.format("%016x%016x", random.nextLong(), random.nextLong());
	}

	private HttpResponse<String> get(int port, String query) throws Exception {
		return this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/logs/search?" + query)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
