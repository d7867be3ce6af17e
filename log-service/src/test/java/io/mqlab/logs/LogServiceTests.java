package io.mqlab.logs;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.logs.index.LogIndices;
import io.mqlab.logs.index.Retention;
import io.mqlab.logs.ship.LogShipper;
import io.mqlab.messaging.contract.TcpProxy;
import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.support.MalformedRequests;
import io.mqlab.support.MalformedRequests.Endpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.opensearch.client.opensearch.OpenSearchClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The log service end to end on one backend, all roles in one instance, with real
 * OpenSearch: files written by several services (one rotated mid-stream, one ending in a
 * multi-line stack trace) arrive in the index exactly once, a restart from the
 * checkpoints ships nothing twice, an OpenSearch outage (the instance reaches OpenSearch
 * through a proxy the test cuts) loses nothing, the search API answers over them, and
 * retention deletes old days. The run has its own topic, group, index prefix and files,
 * removed afterwards. One subclass per backend.
 * <p>
 * Kept fast: one instance for the class (restarted once, by the test that is about
 * restarts), the shipper, the indexer's retries and the tail on short intervals, and
 * Awaitility polling every 100 ms; the test's own reads of the index refresh it first, so
 * none waits for the index's refresh interval.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class LogServiceTests {

	static final Duration PATIENCE = Duration.ofSeconds(60);

	static final Duration POLL = Duration.ofMillis(100);

	static final JsonMapper JSON = JsonMapper.shared();

	final String run = "logs" + UUID.randomUUID().toString().substring(0, 8);

	private final TestBroker broker;

	private final HttpClient http = HttpClient.newHttpClient();

	private Path dir;

	private ConfigurableApplicationContext context;

	/** The instance's way to OpenSearch, cut by the outage test. */
	private TcpProxy opensearch;

	private final Map<String, Integer> written = new LinkedHashMap<>();

	LogServiceTests(TestBroker broker) {
		this.broker = broker;
	}

	@BeforeAll
	void start() throws IOException {
		this.dir = Files.createTempDirectory("log-service-" + this.run);
		this.opensearch = new TcpProxy(TestOpenSearch.port());
		this.context = startInstance();
	}

	@AfterAll
	void stop() throws IOException {
		try {
			if (this.context != null) {
				try {
					indices().deleteAll();
				}
				finally {
					this.context.close();
				}
			}
		}
		finally {
			this.opensearch.close();
			this.broker.removeState(this.run, Map.of(topic(), group()));
			this.broker.close();
		}
	}

	private ConfigurableApplicationContext startInstance() {
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", this.broker.backend());
		args.put("server.port", "0");
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.messaging.partitions", "4");
		args.put("mqlab.logs.topic", topic());
		args.put("mqlab.logs.indexer.group", group());
		args.put("mqlab.logs.index-prefix", "t-logs-" + this.run + "-");
		args.put("mqlab.logs.opensearch.url", "http://127.0.0.1:" + this.opensearch.port());
		args.put("mqlab.metrics.agent.enabled", "false");
		args.put("mqlab.logs.indexer.initial-delay", "100ms");
		args.put("mqlab.logs.indexer.max-delay", "500ms");
		args.put("mqlab.logs.search.tail-interval", "200ms");
		args.put("mqlab.logs.search.tail-lag", "1500ms");
		args.put("mqlab.logs.shipper.source", "host-" + this.run);
		args.put("mqlab.logs.shipper.paths", this.dir.resolve("*.log").toString());
		args.put("mqlab.logs.shipper.checkpoints", this.dir.resolve("shipper/checkpoints.json").toString());
		args.put("mqlab.logs.shipper.poll-interval", "50ms");
		args.put("mqlab.logs.shipper.retry-interval", "200ms");
		args.put("mqlab.logs.shipper.multiline-timeout", "300ms");
		args.put("mqlab.logs.shipper.close-after", "1s");
		args.put("mqlab.logs.shipper.max-lines", "100");
		args.putAll(this.broker.properties(this.run));
		String[] commandLine = args.entrySet()
			.stream()
			.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
		return LogServiceApplication.builder().run(commandLine);
	}

	private String topic() {
		return "logs-" + this.run;
	}

	private String group() {
		return "log-indexer-" + this.run;
	}

	@Test
	@Order(1)
	void linesOfSeveralFilesArriveExactlyOnce() throws Exception {
		Instant base = Instant.now().minusSeconds(600);
		appendJson("svc-json", 0, 300, base);
		appendPlain(0, 200);
		append("plain.log", List.of("java.lang.IllegalStateException: boom " + this.run,
				"\tat io.mqlab.Example.run(Example.java:42)", "\tat java.base/java.lang.Thread.run(Thread.java:840)",
				"Caused by: java.io.IOException: root cause", "\t... 2 more"));
		this.written.merge("plain", 1, Integer::sum);
		appendPlainTo("rotating.log", "rotating", 0, 100);
		// the shipper must know the file before it is rotated away (as Filebeat must): a
		// file renamed out of the globs before it was ever seen is not followed
		await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().until(() -> indexedCount("rotating") > 0);
		// the last lines before the rotation are read through the handle still open
		appendPlainTo("rotating.log", "rotating", 100, 150);
		Files.move(this.dir.resolve("rotating.log"), this.dir.resolve("rotating.log.1"));
		appendPlainTo("rotating.log", "rotating", 150, 300);

		awaitIndexed();
		JsonNode trace = searchApi("q=boom&service=plain&size=10");
		assertThat(trace.path("total").asLong()).isEqualTo(1);
		assertThat(trace.path("hits").path(0).path("message").asString()).contains("boom " + this.run)
			.contains("\tat io.mqlab.Example.run")
			.contains("Caused by: java.io.IOException: root cause");
	}

	@Test
	@Order(2)
	void searchPagesNewestFirstWithFacets() throws Exception {
		JsonNode byTrace = searchApi("traceId=trace-" + this.run + "-3&size=500");
		assertThat(byTrace.path("total").asLong()).isEqualTo(30);
		for (JsonNode hit : byTrace.path("hits")) {
			assertThat(hit.path("service").asString()).isEqualTo("svc-json");
			assertThat(hit.path("traceId").asString()).isEqualTo("trace-" + this.run + "-3");
		}

		Set<String> ids = new HashSet<>();
		String after = null;
		Instant previous = Instant.MAX;
		int pages = 0;
		do {
			JsonNode page = searchApi("service=svc-json&size=70" + ((after != null) ? "&after=" + after : ""));
			assertThat(page.path("total").asLong()).isEqualTo(300);
			for (JsonNode hit : page.path("hits")) {
				Instant time = Instant.parse(hit.path("@timestamp").asString());
				assertThat(time).isBeforeOrEqualTo(previous);
				previous = time;
				assertThat(ids.add(hit.path("id").asString())).isTrue();
			}
			after = page.path("next").isNull() ? null : page.path("next").asString();
			pages++;
		}
		while (after != null && pages < 20);
		assertThat(ids).hasSize(300);
		assertThat(pages).isEqualTo(5);

		JsonNode all = searchApi("from=" + Instant.now().minusSeconds(3600) + "&size=1");
		long histogram = 0;
		for (JsonNode bucket : all.path("histogram")) {
			histogram += bucket.path("count").asLong();
		}
		assertThat(histogram).isEqualTo(all.path("total").asLong());
		assertThat(all.path("services").path("svc-json").asLong()).isEqualTo(300);
		assertThat(all.path("services").path("rotating").asLong()).isEqualTo(300);
		assertThat(all.path("levels").path("WARN").asLong()).isEqualTo(500);

		JsonNode warnOnly = searchApi("level=warn&service=plain&size=1");
		assertThat(warnOnly.path("total").asLong()).isEqualTo(200);
		// each facet counts without its own filter: every service stays visible
		assertThat(warnOnly.path("services").path("rotating").asLong()).isEqualTo(300);
		assertThat(warnOnly.path("levels").path("INFO").asLong()).isZero();
	}

	@Test
	@Order(3)
	void badSearchesAreRejectedWith400() throws Exception {
		for (String query : List.of("size=100000", "size=0", "size=ten",
				"from=2026-12-04T10:00:00Z&to=2026-12-03T10:00:00Z", "from=yesterday", "color=red", "after=nonsense",
				"service=" + enc("a b"), "q=" + "x".repeat(1001), "size=1&size=2")) {
			HttpResponse<String> response = get("/logs/search?" + query);
			assertThat(response.statusCode()).as(query).isEqualTo(400);
			assertThat(response.headers().firstValue("Content-Type")).as(query)
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		}
		// the syntax of simple_query_string never fails: odd queries are searched as text
		for (String q : List.of("\"((( boom", "message:[a TO", "*", "-", "boom | ~~ +")) {
			assertThat(get("/logs/search?q=" + enc(q)).statusCode()).as(q).isEqualTo(200);
		}
		assertThat(get("/logs/tail?size=3").statusCode()).isEqualTo(400);
	}

	/**
	 * Hundreds of malformed requests, none answered with a 5xx. The search API reads only
	 * OpenSearch, whatever the backend, so this runs on one backend.
	 */
	@Test
	@Order(3)
	@EnabledIf("fuzzesTheSearchApi")
	void malformedSearchesNeverFailWith5xx() throws Exception {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		List<MalformedRequests.Answer> answers = MalformedRequests.send(port,
				List.of(Endpoint.get("/logs/search", Map.of(),
						Map.of("q", "boom", "service", "plain", "level", "WARN", "traceId", "t1", "from",
								"2026-12-04T10:00:00Z", "to", "2026-12-04T11:00:00Z", "size", "5", "after", "1:abc"))));
		assertThat(answers).hasSizeGreaterThan(50);
		assertThat(answers).filteredOn((answer) -> answer.status() >= 500).isEmpty();
	}

	@Test
	@Order(7)
	void thePageIsServedAtTheRoot() throws Exception {
		HttpResponse<String> page = get("/");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("<title>mqlab logs</title>").contains("logs.js");
		assertThat(get("/logs.js").body()).contains("/logs/search?").contains("/logs/tail?");
	}

	@Test
	@Order(4)
	void aRestartFromTheCheckpointsShipsNothingTwice() throws Exception {
		this.context.close();
		appendJson("svc-json", 300, 400, Instant.now().minusSeconds(300));
		appendPlain(200, 220);
		this.context = startInstance();
		awaitIndexed();
		assertThat(shipper().shipped()).isEqualTo(120);
	}

	/**
	 * OpenSearch unreachable for the instance (connections reset, new ones refused) while
	 * lines are shipped: the indexer fails and retries its batches, the search API says
	 * 503 rather than 500, and once OpenSearch is back every line is indexed exactly once
	 * (no document above version 1: the batches that failed never reached the index).
	 */
	@Test
	@Order(5)
	void anOpenSearchOutageLosesNothing() throws Exception {
		long shippedBefore = shipper().shipped();
		double retriedBefore = retried();
		int plainBefore = this.written.get("plain");
		this.opensearch.cut();
		try {
			appendJson("svc-json", 400, 500, Instant.now().minusSeconds(200));
			appendPlain(220, 300);
			// every line is in the broker, and the indexer tried (and failed) more than
			// once
			await().atMost(PATIENCE)
				.pollInterval(POLL)
				.ignoreExceptions()
				.untilAsserted(() -> assertThat(shipper().shipped() - shippedBefore).isEqualTo(180));
			await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().until(() -> retried() - retriedBefore >= 3);
			HttpResponse<String> search = get("/logs/search?service=plain");
			assertThat(search.statusCode()).isEqualTo(503);
			assertThat(search.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(indexedCount("plain")).isEqualTo(plainBefore);
		}
		finally {
			this.opensearch.restore();
		}
		awaitIndexed();
		assertThat(deadLettered()).isZero();
	}

	@Test
	@Order(6)
	void retentionDeletesOldDays() throws Exception {
		LogIndices indices = indices();
		OpenSearchClient client = this.context.getBean(OpenSearchClient.class);
		String old = indices.prefix() + "2020.01.01";
		client.indices().create((create) -> create.index(old));
		List<String> deleted = this.context.getBean(Retention.class).apply();
		assertThat(deleted).containsExactly(old);
		assertThat(indices.list()).isNotEmpty().doesNotContain(old);
	}

	@Test
	@Order(8)
	void theLiveTailSendsNewLinesThatMatch() throws Exception {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		HttpResponse<java.util.stream.Stream<String>> response = this.http
			.sendAsync(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + port + "/logs/tail?service=tailed&q=wanted"))
				.build(), HttpResponse.BodyHandlers.ofLines())
			.get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
		assertThat(response.statusCode()).isEqualTo(200);
		List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
		Thread reader = new Thread(() -> {
			try {
				response.body().forEach(events::add);
			}
			catch (java.io.UncheckedIOException ex) {
				// closed by the test
			}
		});
		reader.setDaemon(true);
		reader.start();
		try {
			append("tailed.log", List.of("INFO wanted one", "INFO not this", "INFO wanted two"));
			await().atMost(PATIENCE)
				.pollInterval(POLL)
				.ignoreExceptions()
				.untilAsserted(() -> assertThat(
						events.stream().filter((line) -> line.startsWith("data:") && line.contains("wanted")).count())
					.isEqualTo(2));
			assertThat(events).noneMatch((line) -> line.contains("not this"));
		}
		finally {
			response.body().close();
		}
	}

	/**
	 * Waits until every service's count in the index is what was written, then checks
	 * that no event was indexed twice: every document is at version 1 (an overwrite by a
	 * redelivered or re-shipped event would have raised it) and the total is the sum.
	 */
	private void awaitIndexed() {
		await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().untilAsserted(() -> {
			JsonNode counts = TestOpenSearch.search(indices().pattern(),
					"{\"size\":0,\"track_total_hits\":true,\"aggs\":{\"s\":{\"terms\":{\"field\":\"service\",\"size\":50}}}}");
			Map<String, Integer> indexed = new LinkedHashMap<>();
			for (JsonNode bucket : counts.path("aggregations").path("s").path("buckets")) {
				indexed.put(bucket.path("key").asString(), bucket.path("doc_count").asInt());
			}
			assertThat(indexed).isEqualTo(this.written);
		});
		int total = this.written.values().stream().mapToInt(Integer::intValue).sum();
		JsonNode versions = TestOpenSearch.search(indices().pattern(),
				"{\"size\":0,\"track_total_hits\":true,\"version\":true}");
		assertThat(versions.path("hits").path("total").path("value").asInt()).isEqualTo(total);
		List<Integer> raised = new ArrayList<>();
		JsonNode all = TestOpenSearch.search(indices().pattern(),
				"{\"size\":" + total + ",\"version\":true,\"_source\":false}");
		for (JsonNode hit : all.path("hits").path("hits")) {
			if (hit.path("_version").asInt() != 1) {
				raised.add(hit.path("_version").asInt());
			}
		}
		assertThat(raised).isEmpty();
	}

	boolean fuzzesTheSearchApi() {
		return "redis".equals(this.broker.backend());
	}

	private double retried() {
		return this.context.getBean(MeterRegistry.class)
			.find("mqlab.messages.retried")
			.tag("group", group())
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

	private double deadLettered() {
		return this.context.getBean(MeterRegistry.class)
			.find("mqlab.messages.dead.lettered")
			.tag("group", group())
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

	private int indexedCount(String service) {
		JsonNode count = TestOpenSearch.search(indices().pattern(),
				"{\"size\":0,\"track_total_hits\":true,\"query\":{\"term\":{\"service\":\"" + service + "\"}}}");
		return count.path("hits").path("total").path("value").asInt();
	}

	private void appendJson(String service, int from, int to, Instant base) throws IOException {
		List<String> lines = new ArrayList<>();
		for (int i = from; i < to; i++) {
			lines.add("{\"@timestamp\":\"" + base.plusMillis(i * 10L) + "\",\"log\":{\"level\":\"INFO\",\"logger\":"
					+ "\"io.mqlab.Test\"},\"service\":{\"name\":\"" + service + "\"},\"message\":\"json line " + i
					+ "\",\"traceId\":\"trace-" + this.run + "-" + (i % 10) + "\",\"ecs\":{\"version\":\"8.11\"}}");
		}
		append("json.log", lines);
		this.written.merge(service, to - from, Integer::sum);
	}

	private void appendPlain(int from, int to) throws IOException {
		appendPlainTo("plain.log", "plain", from, to);
	}

	private void appendPlainTo(String file, String service, int from, int to) throws IOException {
		List<String> lines = new ArrayList<>();
		for (int i = from; i < to; i++) {
			lines.add(Instant.now() + " WARN plain line " + i + " of " + file);
		}
		append(file, lines);
		this.written.merge(service, to - from, Integer::sum);
	}

	private void append(String file, List<String> lines) throws IOException {
		Files.writeString(this.dir.resolve(file), String.join("\n", lines) + "\n", StandardOpenOption.CREATE,
				StandardOpenOption.APPEND);
	}

	private JsonNode searchApi(String query) throws Exception {
		HttpResponse<String> response = get("/logs/search?" + query);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

	private HttpResponse<String> get(String path) throws Exception {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static String enc(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private LogShipper shipper() {
		return this.context.getBean(LogShipper.class);
	}

	private LogIndices indices() {
		return this.context.getBean(LogIndices.class);
	}

}
