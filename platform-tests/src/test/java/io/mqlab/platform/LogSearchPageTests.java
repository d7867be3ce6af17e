package io.mqlab.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.messaging.contract.TestBrokers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The log search page in a real browser, over log-service on Redis with the test
 * OpenSearch: the lines of three services shipped from files, then searched with the
 * query box, narrowed by a service facet, followed by a trace id across services, one
 * line's full JSON opened, and a new line arriving through the live tail. Then one
 * order's trace through the real migration services, found by its trace id. log-service
 * runs as a JVM of its own from its executable jar (its OpenSearch client brings Apache
 * HttpClient 5, which would change the HTTP client of the other platform tests), with its
 * topic, group, index prefix and files named after the run and removed after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LogSearchPageTests {

	static final Duration PATIENCE = Duration.ofSeconds(90);

	static final Duration POLL = Duration.ofMillis(100);

	@RegisterExtension
	static final Browser browser = new Browser();

	private final String run = "lpg" + UUID.randomUUID().toString().substring(0, 8);

	private final String trace = "4bf92f3577b34da6a3ce929d0e0e" + this.run.substring(3, 7);

	private final TestBroker broker = TestBroker.of("redis");

	private final HttpClient http = HttpClient.newHttpClient();

	private final String opensearch = "http://" + TestBrokers.opensearch().address();

	private Path dir;

	private Process service;

	private String page;

	private Http api;

	@BeforeAll
	void startService() throws IOException {
		this.dir = Files.createTempDirectory("log-page-" + this.run);
		int port = freePort();
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", "redis");
		args.put("server.port", Integer.toString(port));
		args.put("spring.main.banner-mode", "off");
		args.put("logging.level.root", "WARN");
		args.put("mqlab.metrics.agent.enabled", "false");
		args.put("mqlab.messaging.partitions", "2");
		args.put("mqlab.logs.topic", "logs-" + this.run);
		args.put("mqlab.logs.indexer.group", "log-indexer-" + this.run);
		args.put("mqlab.logs.index-prefix", "t-logs-" + this.run + "-");
		args.put("mqlab.logs.opensearch.url", this.opensearch);
		args.put("mqlab.logs.shipper.source", "host-" + this.run);
		args.put("mqlab.logs.shipper.paths", this.dir.resolve("*.log").toString());
		args.put("mqlab.logs.shipper.checkpoints", this.dir.resolve("shipper/checkpoints.json").toString());
		args.put("mqlab.logs.shipper.poll-interval", "50ms");
		args.put("mqlab.logs.search.tail-interval", "200ms");
		args.put("mqlab.logs.search.tail-lag", "1500ms");
		args.putAll(this.broker.properties(this.run));
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
						"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", execJar().toString()));
		args.forEach((name, value) -> command.add("--" + name + "=" + value));
		Path log = Path.of("target", "log-search-page-" + this.run + ".log");
		Files.createDirectories(log.getParent());
		this.service = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		this.api = new Http(port);
		this.page = "http://127.0.0.1:" + port + "/";
		await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() -> {
			assertThat(this.service.isAlive()).as("log-service is running, see " + log.toAbsolutePath()).isTrue();
			assertThat(this.api.get("/actuator/health").status()).isEqualTo(200);
		});
	}

	@AfterAll
	void stopAndClean() throws Exception {
		try {
			if (this.service != null) {
				this.service.destroy();
				if (!this.service.waitFor(20, TimeUnit.SECONDS)) {
					this.service.destroyForcibly();
				}
			}
		}
		finally {
			send("DELETE", "/t-logs-" + this.run + "-*?ignore_unavailable=true&allow_no_indices=true");
			send("DELETE", "/_index_template/mqlab-t-logs-" + this.run);
			this.broker.removeState(this.run, Map.of("logs-" + this.run, "log-indexer-" + this.run));
		}
	}

	@Test
	@Order(1)
	void searchesFiltersFollowsATraceAndTailsLive() throws Exception {
		Instant now = Instant.now();
		append("order-service",
				List.of(json(now.minusSeconds(30), "order-service", "INFO", this.trace, "order placed " + this.run),
						json(now.minusSeconds(29), "order-service", "INFO", "other-" + this.run,
								"order placed for another customer")));
		append("reconciliation-service", List.of(json(now.minusSeconds(20), "reconciliation-service", "WARN",
				this.trace, "order differs in total " + this.run)));
		append("broker", List.of(now.minusSeconds(10) + " ERROR connection reset by peer"));
		await().atMost(PATIENCE)
			.pollInterval(POLL)
			.untilAsserted(
					() -> assertThat(this.api.get("/logs/search?size=1").body().path("total").asLong()).isEqualTo(4));

		browser.open(this.page);
		await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().untilAsserted(() -> {
			assertThat(browser.text("summary")).isEqualTo("4 lines");
			assertThat(rows()).hasSize(4);
			assertThat(facet("services", "order-service")).isEqualTo("2");
			assertThat(facet("services", "reconciliation-service")).isEqualTo("1");
			assertThat(facet("services", "broker")).isEqualTo("1");
			assertThat(facet("levels", "ERROR")).isEqualTo("1");
		});
		assertThat(browser.driver().findElements(By.cssSelector("#histogram div"))).isNotEmpty();

		// the query box: the words of the query, in any message
		WebElement q = browser.driver().findElement(By.id("q"));
		q.sendKeys("connection reset");
		browser.driver().findElement(By.cssSelector("#search button[type=submit]")).click();
		await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().untilAsserted(() -> {
			assertThat(browser.text("summary")).isEqualTo("1 lines");
			assertThat(rows()).singleElement().satisfies((row) -> assertThat(row).contains("broker", "ERROR"));
		});
		q.clear();
		browser.driver().findElement(By.cssSelector("#search button[type=submit]")).click();

		// a service facet narrows the results; the other services keep their counts
		await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().until(() -> rows().size() == 4);
		browser.driver().findElement(By.cssSelector("#services li[data-value='order-service']")).click();
		await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().untilAsserted(() -> {
			assertThat(browser.text("summary")).isEqualTo("2 lines");
			assertThat(rows()).hasSize(2).allSatisfy((row) -> assertThat(row).contains("order-service"));
			assertThat(facet("services", "broker")).isEqualTo("1");
			assertThat(browser.driver().findElement(By.cssSelector("#filters .filter[data-field=service]")).getText())
				.contains("order-service");
		});

		// a trace id opens every line of that trace, across services
		WebElement link = browser.driver()
			.findElements(By.cssSelector("#results a.trace"))
			.stream()
			.filter((candidate) -> this.trace
				.equals(candidate.getDomAttribute("title").replace("every line of trace ", "")))
			.findFirst()
			.orElseThrow();
		link.click();
		await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().untilAsserted(() -> {
			assertThat(browser.text("summary")).isEqualTo("2 lines");
			assertThat(rows()).hasSize(2)
				.anySatisfy((row) -> assertThat(row).contains("order-service", "order placed " + this.run))
				.anySatisfy((row) -> assertThat(row).contains("reconciliation-service", "order differs"));
			assertThat(browser.driver().findElement(By.cssSelector("#filters .filter[data-field=traceId]")).getText())
				.contains(this.trace);
		});

		// a line's full JSON, the document and the line as the service wrote it
		browser.driver().findElements(By.cssSelector("#results tbody tr")).get(0).click();
		await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().untilAsserted(() -> {
			assertThat(browser.driver().findElement(By.id("detail")).isDisplayed()).isTrue();
			assertThat(browser.text("detail-json")).contains("\"traceId\": \"" + this.trace + "\"", "\"line\"",
					"\"ecs\"");
		});
		browser.driver().findElement(By.cssSelector("#detail button")).click();

		// the live tail, with the trace filter still on: a new line of the trace appears
		browser.driver().findElement(By.id("tail")).click();
		await().atMost(PATIENCE)
			.pollInterval(POLL)
			.until(() -> browser.driver().findElement(By.id("tail-status")).isDisplayed());
		append("order-service",
				List.of(json(Instant.now(), "order-service", "INFO", this.trace, "order paid " + this.run)));
		await().atMost(PATIENCE).pollInterval(POLL).ignoreExceptions().untilAsserted(() -> {
			assertThat(rows().get(0)).contains("order paid " + this.run);
			assertThat(browser.text("tail-status")).startsWith("live: last line at");
		});
		browser.screenshot("log-search");
		assertThat(browser.consoleErrors()).isEmpty();
	}

	/**
	 * One order through the three migration services (in this JVM, on Redis), their log
	 * lines written as ECS JSON lines to a file per service in the shipped folder: the
	 * trace of the order's request, carried by the messages' {@code traceparent}, is in
	 * the lines of all three, and one search by that trace id finds them.
	 */
	@Test
	@Order(2)
	void oneTraceIdFindsTheLinesOfAnOrderInEveryService() throws Exception {
		Platform platform = new Platform("redis");
		try {
			Map<String, String> redis = TestBroker.redisProperties();
			platform.reconciliationService(redis);
			platform.orderServiceNew(redis);
			ConfigurableApplicationContext legacy = platform.orderService(redis);
			// after the services started: each start resets the logging system
			try (EcsFiles files = EcsFiles.attach(this.dir, Map.of("io.mqlab.ordernew.", "order-service-new",
					"io.mqlab.order.", "order-service", "io.mqlab.reconciliation.", "reconciliation-service"))) {
				String traceId = HexFormat.of().toHexDigits(UUID.randomUUID().getMostSignificantBits())
						+ HexFormat.of().toHexDigits(UUID.randomUUID().getLeastSignificantBits());
				HttpResponse<String> placed = this.http
					.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + Platform.port(legacy) + "/orders"))
						.header("Content-Type", "application/json")
						.header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
						.POST(HttpRequest.BodyPublishers.ofString(MigrationEndToEndTests.PLAIN))
						.build(), HttpResponse.BodyHandlers.ofString());
				assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
				assertThat(placed.headers().firstValue("traceparent"))
					.hasValueSatisfying((traceparent) -> assertThat(traceparent).startsWith("00-" + traceId + "-"));
				await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
					JsonNode found = this.api.get("/logs/search?traceId=" + traceId + "&size=50").body();
					assertThat(found.path("services").propertyNames()).contains("order-service", "order-service-new",
							"reconciliation-service");
				});
				JsonNode found = this.api.get("/logs/search?traceId=" + traceId + "&size=50").body();
				List<String> messages = new ArrayList<>();
				found.path("hits")
					.forEach((hit) -> messages
						.add(hit.path("service").asString() + ": " + hit.path("message").asString()));
				assertThat(messages).anySatisfy((line) -> assertThat(line).startsWith("order-service: Placed order"))
					.anySatisfy((line) -> assertThat(line).startsWith("order-service-new: Priced order"))
					.anySatisfy((line) -> assertThat(line).startsWith("reconciliation-service: Order"));
			}
		}
		finally {
			platform.close();
			RedisMigrationEndToEndTests.removeState(platform);
		}
	}

	private List<String> rows() {
		return browser.driver()
			.findElements(By.cssSelector("#results tbody tr"))
			.stream()
			.map(WebElement::getText)
			.toList();
	}

	private String facet(String list, String value) {
		return browser.driver()
			.findElement(By.cssSelector("#" + list + " li[data-value='" + value + "'] span:last-child"))
			.getText();
	}

	private static String json(Instant time, String service, String level, String traceId, String message) {
		return "{\"@timestamp\":\"" + time + "\",\"log\":{\"level\":\"" + level
				+ "\",\"logger\":\"io.mqlab.Page\"},\"service\":{\"name\":\"" + service + "\"},\"message\":\"" + message
				+ "\",\"traceId\":\"" + traceId + "\",\"ecs\":{\"version\":\"8.11\"}}";
	}

	private void append(String service, List<String> lines) throws IOException {
		Files.writeString(this.dir.resolve(service + ".log"), String.join("\n", lines) + "\n",
				StandardOpenOption.CREATE, StandardOpenOption.APPEND);
	}

	private void send(String method, String path) throws IOException, InterruptedException {
		this.http.send(HttpRequest.newBuilder(URI.create(this.opensearch + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.discarding());
	}

	private static int freePort() throws IOException {
		try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			return probe.getLocalPort();
		}
	}

	/** log-service's executable jar, built by the package phase before these tests. */
	private static Path execJar() throws IOException {
		Path target = Path.of(System.getProperty("basedir", "."))
			.toAbsolutePath()
			.getParent()
			.resolve("log-service")
			.resolve("target");
		if (Files.isDirectory(target)) {
			try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "log-service-*-exec.jar")) {
				for (Path jar : jars) {
					return jar;
				}
			}
		}
		throw new IllegalStateException("No executable jar of log-service in " + target
				+ ": build it first (./mvnw verify -pl platform-tests -am builds it)");
	}

}
