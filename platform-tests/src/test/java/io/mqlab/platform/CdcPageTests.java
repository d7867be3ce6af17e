package io.mqlab.platform;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.mqlab.messaging.contract.LocalBrokers;
import io.mqlab.messaging.contract.TestBroker;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * cdc-service's page in a real browser, on the Redis backend: the capture's slot and
 * phase, the sinks with their lag chart, a consistency check run from the page, and a
 * product search with a bad price range answered in the page. The service runs from its
 * executable jar (this module does not depend on cdc-service) on a catalog database of
 * the run, migrated with catalog-service's own Flyway scripts; the replica sink is off (a
 * MariaDB database less to clean up: the page shows whatever sinks run). Everything is
 * named after the run and removed afterwards, the replication slot included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CdcPageTests {

	static final Duration PATIENCE = Duration.ofSeconds(90);

	private static final int PRODUCTS = 30;

	@RegisterExtension
	static final Browser browser = new Browser();

	private final String run = "cpg" + UUID.randomUUID().toString().substring(0, 8);

	private final String database = "cdc_" + this.run;

	private final Path root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

	private Process service;

	private Http api;

	private int port;

	@BeforeAll
	void startService() throws Exception {
		LocalBrokers.requirePostgres();
		LocalBrokers.requireRedis();
		LocalBrokers.requireOpenSearch();
		admin("postgres", "CREATE DATABASE " + this.database);
		Flyway.configure()
			.dataSource(url(this.database), "postgres", "")
			.locations("filesystem:" + this.root.resolve("catalog-service/src/main/resources/db/catalog-service"))
			.load()
			.migrate();
		StringBuilder insert = new StringBuilder(
				"INSERT INTO products (sku, name, description, price, currency, stock," + " tags) VALUES ");
		for (int i = 0; i < PRODUCTS; i++) {
			insert.append((i > 0) ? "," : "")
				.append("('PAGE-%02d', 'Tripod %d', 'aluminium, with a bag', %d.50, 'EUR', %d, '{page,g%d}')"
					.formatted(i, i, 10 + i, i, i % 3));
		}
		admin(this.database, insert.toString());
		this.port = freePort();
		this.service = start(this.port);
		this.api = new Http(this.port);
		await().atMost(PATIENCE)
			.pollInterval(Duration.ofMillis(250))
			.ignoreExceptions()
			.until(() -> this.api.get("/cdc/status")
				.body()
				.get("sinks")
				.valueStream()
				.allMatch((sink) -> sink.get("applied").asLong() >= PRODUCTS));
	}

	@AfterAll
	void stopAndClean() throws Exception {
		if (this.service != null) {
			this.service.destroy();
			if (!this.service.waitFor(60, TimeUnit.SECONDS)) {
				this.service.destroyForcibly();
			}
		}
		try {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> !exists(
						"SELECT 1 FROM pg_replication_slots WHERE slot_name = '" + this.database + "' AND active"));
			admin("postgres", "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
					+ " WHERE slot_name = '" + this.database + "'");
			admin("postgres", "DROP DATABASE IF EXISTS " + this.database + " WITH (FORCE)");
		}
		finally {
			TestBroker redis = TestBroker.of("redis");
			for (String group : List.of("cdc-cache", "cdc-search")) {
				redis.removeState(this.run, Map.of(topic(), group));
			}
			TestBroker.deleteRedisKeys("cdc-" + this.run + ":*");
			HttpClient.newHttpClient()
				.send(HttpRequest
					.newBuilder(URI.create("http://127.0.0.1:" + LocalBrokers.OPENSEARCH_PORT + "/" + index()))
					.DELETE()
					.build(), HttpResponse.BodyHandlers.discarding());
		}
	}

	@Test
	void showsTheCaptureTheSinksTheConsistencyAndTheSearch() throws SQLException {
		browser.open("http://127.0.0.1:" + this.port + "/");
		// a streamed change, so each sink has a lag to chart
		admin(this.database,
				"UPDATE products SET stock = 99, version = version + 1, updated_at = now()" + " WHERE sku = 'PAGE-00'");
		await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
			assertThat(text("slot-name")).isEqualTo(this.database);
			assertThat(text("slot-active")).isEqualTo("true");
			assertThat(text("capture-phase")).isEqualTo("CAPTURING");
			assertThat(Long.parseLong(text("capture-published"))).isGreaterThan(PRODUCTS);
			List<WebElement> sinks = browser.driver().findElements(By.cssSelector("#sinks tbody tr"));
			assertThat(sinks).extracting((row) -> row.findElement(By.cssSelector("td")).getText())
				.containsExactlyInAnyOrder("cache", "search");
			for (WebElement sink : sinks) {
				// a streamed change's lag, not the snapshot's dash
				assertThat(sink.findElements(By.cssSelector("td")).get(2).getText()).matches("\\d+");
			}
			assertThat(text("lag-legend")).contains("cache lag (ms)", "search lag (ms)");
			assertThat(chartPixels()).isPositive();
		});

		browser.driver().findElement(By.id("check")).click();
		await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
			assertThat(text("consistency-summary")).startsWith("consistent: " + PRODUCTS + " source rows");
			List<WebElement> rows = browser.driver().findElements(By.cssSelector("#consistency tbody tr"));
			assertThat(rows).hasSize(2);
			for (WebElement row : rows) {
				// rows, equal, missing, extra, stale
				assertThat(row.findElements(By.cssSelector("td")).stream().skip(1).map(WebElement::getText))
					.containsExactly(Integer.toString(PRODUCTS), Integer.toString(PRODUCTS), "0", "0", "0");
			}
		});

		search("tripod", "g1", "10", "25");
		await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
			List<WebElement> rows = browser.driver().findElements(By.cssSelector("#results tbody tr"));
			// g1: PAGE-01, 04, ..., priced 11.50 to 25.50: 01, 04, 07, 10, 13
			assertThat(text("search-total")).isEqualTo("5 found");
			assertThat(rows).extracting((row) -> row.findElement(By.cssSelector("td")).getText())
				.containsExactlyInAnyOrder("PAGE-01", "PAGE-04", "PAGE-07", "PAGE-10", "PAGE-13");
			assertThat(rows.get(0).findElements(By.cssSelector("td")).get(2).getText()).matches("\\d+\\.50 EUR");
		});
		browser.screenshot("cdc-page");
		assertThat(browser.consoleErrors()).isEmpty();

		// a bad range: the service's problem detail, shown in the page
		search("", "", "50", "10");
		await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
			WebElement error = browser.driver().findElement(By.id("search-error"));
			assertThat(error.isDisplayed()).isTrue();
			assertThat(error.getText()).isEqualTo("minPrice: must not be above maxPrice");
		});
	}

	private void search(String words, String tag, String minPrice, String maxPrice) {
		Map<String, String> fields = Map.of("q", words, "tag", tag, "min-price", minPrice, "max-price", maxPrice);
		fields.forEach((id, value) -> {
			WebElement input = browser.driver().findElement(By.id(id));
			input.clear();
			input.sendKeys(value);
		});
		browser.driver().findElement(By.cssSelector("#search-form button[type=submit]")).click();
	}

	private static String text(String id) {
		return browser.driver().findElement(By.id(id)).getText();
	}

	/** Pixels the lag chart has drawn on. */
	private static long chartPixels() {
		Object count = browser.driver()
			.executeScript("const c = document.getElementById('lag-chart');"
					+ "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
					+ "let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n;");
		return ((Number) count).longValue();
	}

	private Process start(int port) throws IOException {
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", "redis");
		args.put("server.port", Integer.toString(port));
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.cdc.topic", topic());
		args.put("mqlab.cdc.source.database", this.database);
		args.put("mqlab.cdc.capture.slot", this.database);
		args.put("mqlab.cdc.capture.heartbeat-interval", "1s");
		args.put("mqlab.cdc.sinks.cache.key-prefix", "cdc-" + this.run);
		args.put("mqlab.cdc.sinks.search.index", index());
		args.put("mqlab.cdc.sinks.replica.enabled", "false");
		args.put("mqlab.messaging.partitions", "4");
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx384m");
		// start fast rather than peak fast
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-XX:+UseSerialGC");
		command.add("-jar");
		command.add(execJar().toString());
		args.forEach((key, value) -> command.add("--" + key + "=" + value));
		Path log = Path.of("target", "cdc-page-" + this.run + ".log");
		Files.createDirectories(log.getParent());
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

	/**
	 * cdc-service's executable jar, built by its package phase before this module's
	 * tests.
	 */
	private Path execJar() throws IOException {
		Path target = this.root.resolve("cdc-service/target");
		try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "cdc-service-*-exec.jar")) {
			for (Path jar : jars) {
				return jar;
			}
		}
		throw new IllegalStateException("No executable jar of cdc-service in " + target
				+ ": build it first (./mvnw -pl cdc-service,platform-tests -am verify -Dtest=CdcPageTests)");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static String url(String database) {
		return "jdbc:postgresql://" + LocalBrokers.HOST + ":" + LocalBrokers.POSTGRES_PORT + "/" + database;
	}

	private static void admin(String database, String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection(url(database), "postgres", "");
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static boolean exists(String query) throws SQLException {
		try (Connection connection = DriverManager.getConnection(url("postgres"), "postgres", "");
				Statement statement = connection.createStatement()) {
			return statement.executeQuery(query).next();
		}
	}

	private String topic() {
		return "cdc-" + this.run;
	}

	private String index() {
		return "products-" + this.run;
	}

}
