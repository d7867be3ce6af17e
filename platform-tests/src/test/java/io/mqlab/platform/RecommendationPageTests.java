package io.mqlab.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.contract.LocalBrokers;
import io.mqlab.recommendation.RecommendationServiceApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The recommendation service's page in a real browser, with the service on Redis (as
 * broker and as its store): trending in both windows as the API answers, a user's
 * recommendations with their reasons, a product's related products, and the problem
 * detail of a bad request. Topics and Redis keys are named after the run and removed
 * after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecommendationPageTests {

	static final Duration PATIENCE = Duration.ofSeconds(60);

	/** Users who view the whole group of products, each in a session of their own. */
	static final int VIEWERS = 6;

	static final int GROUP = 4;

	@RegisterExtension
	static final Browser browser = new Browser();

	private final String run = "rpg" + UUID.randomUUID().toString().substring(0, 8);

	private final String user = "u-" + this.run;

	private ConfigurableApplicationContext service;

	private Http api;

	private String page;

	@BeforeAll
	void startServiceWithClicks() throws IOException {
		LocalBrokers.requireRedis();
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", "redis");
		args.put("server.port", "0");
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.recommendation.clicks-topic", "clicks-" + this.run);
		args.put("mqlab.recommendation.orders-topic", "orders-" + this.run);
		args.put("mqlab.recommendation.key-prefix", "reco-" + this.run);
		args.put("mqlab.recommendation.group", "recommendation-" + this.run);
		args.put("mqlab.recommendation.data-dir",
				Files.createDirectories(Path.of("target", "recommendation-" + this.run)).toString());
		args.put("mqlab.messaging.partitions", "4");
		this.service = RecommendationServiceApplication.builder()
			.run(args.entrySet()
				.stream()
				.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
				.toArray(String[]::new));
		this.api = new Http(Platform.port(this.service));
		this.page = "http://127.0.0.1:" + Platform.port(this.service) + "/";

		List<String> clicks = new ArrayList<>();
		for (int viewer = 0; viewer < VIEWERS; viewer++) {
			for (int product = 1; product <= GROUP; product++) {
				clicks.add(click("v" + viewer + "-" + this.run, sku(product), "VIEW", "s" + viewer));
			}
		}
		clicks.add(click(this.user, sku(1), "VIEW", "s-user"));
		// one product in demand, so the windows have a clear leader
		for (int buyer = 0; buyer < 3; buyer++) {
			clicks.add(click("c" + buyer + "-" + this.run, sku(GROUP), "ADD_TO_CART", "c" + buyer));
		}
		assertThat(this.api.post("/clicks/batch", clicks.stream().collect(Collectors.joining(",", "[", "]"))).status())
			.isEqualTo(202);
		MeterRegistry meters = this.service.getBean(MeterRegistry.class);
		await().atMost(PATIENCE)
			.until(() -> meters.find("recommendation.events")
				.tag("kind", "click")
				.tag("outcome", "applied")
				.counters()
				.stream()
				.mapToDouble((counter) -> counter.count())
				.sum() >= clicks.size());
	}

	@AfterAll
	void stopAndClean() {
		if (this.service != null) {
			this.service.close();
		}
		RedisClient client = RedisClient.create("redis://" + LocalBrokers.HOST + ":" + LocalBrokers.REDIS_PORT);
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			ScanIterator<String> keys = ScanIterator.scan(connection.sync(),
					ScanArgs.Builder.matches("*" + this.run + "*").limit(500));
			while (keys.hasNext()) {
				connection.sync().del(keys.next());
			}
		}
		finally {
			client.shutdown();
		}
	}

	@Test
	void showsTrendingInBothWindowsAsTheApiAnswers() {
		browser.open(this.page);
		for (String window : List.of("5m", "1h")) {
			List<JsonNode> items = this.api.get("/trending?window=" + window + "&limit=10")
				.body()
				.get("items")
				.valueStream()
				.toList();
			assertThat(items).hasSize(GROUP);
			assertThat(items.get(0).get("sku").asString()).isEqualTo(sku(GROUP));
			await().atMost(PATIENCE).untilAsserted(() -> {
				List<String> shown = rows("trending-" + window);
				assertThat(shown).hasSameSizeAs(items);
				for (int i = 0; i < items.size(); i++) {
					String[] skuAndScore = shown.get(i).split(" ");
					assertThat(skuAndScore[0]).isEqualTo(items.get(i).get("sku").asString());
					// shown with one decimal
					assertThat(Double.parseDouble(skuAndScore[1])).isCloseTo(items.get(i).get("score").asDouble(),
							within(0.051));
				}
			});
		}
		browser.screenshot("recommendation-trending");
		assertThat(browser.consoleErrors()).isEmpty();
	}

	@Test
	void showsAUsersRecommendationsWithTheirReasons() {
		browser.open(this.page);
		ask("user-id", this.user);
		await().atMost(PATIENCE).until(() -> this.user.equals(attribute("user-recommendations", "data-user")));
		JsonNode items = this.api.get("/recommendations/" + this.user + "?limit=10").body().get("items");
		List<String> expected = items.valueStream()
			.map((item) -> item.get("sku").asString() + " " + item.get("reason").asString())
			.toList();
		assertThat(expected).contains(sku(2) + " co-viewed with " + sku(1), sku(3) + " co-viewed with " + sku(1));
		assertThat(rows("user-recommendations")).isEqualTo(expected);
		browser.screenshot("recommendation-user");
		assertThat(browser.consoleErrors()).isEmpty();
	}

	@Test
	void showsAProductsRelatedProducts() {
		browser.open(this.page);
		ask("product-sku", sku(1));
		await().atMost(PATIENCE).until(() -> sku(1).equals(attribute("related", "data-sku")));
		List<String> expected = this.api.get("/products/" + sku(1) + "/related?limit=10")
			.body()
			.get("items")
			.valueStream()
			.map((item) -> item.get("sku").asString() + " " + item.get("reason").asString())
			.toList();
		assertThat(expected).containsExactlyInAnyOrder(sku(2) + " co-viewed with " + sku(1),
				sku(3) + " co-viewed with " + sku(1), sku(4) + " co-viewed with " + sku(1));
		assertThat(rows("related")).isEqualTo(expected);

		// a product in a list shows what relates to it
		browser.driver().findElement(By.cssSelector("#related tr[data-sku='" + sku(2) + "'] button.sku")).click();
		await().atMost(PATIENCE).until(() -> sku(2).equals(attribute("related", "data-sku")));
		assertThat(rows("related")).contains(sku(1) + " co-viewed with " + sku(2));
		browser.screenshot("recommendation-related");
		assertThat(browser.consoleErrors()).isEmpty();
	}

	@Test
	void showsTheProblemOfABadRequest() {
		browser.open(this.page);
		ask("user-id", "no.such.user");
		Http.Response problem = this.api.get("/recommendations/no.such.user");
		assertThat(problem.status()).isEqualTo(400);
		String expected = problem.body().get("title").asString() + ": " + problem.body().get("detail").asString();
		await().atMost(PATIENCE).until(() -> browser.text("user-error").equals(expected));
		assertThat(browser.driver().findElement(By.id("user-recommendations")).isDisplayed()).isFalse();
		browser.screenshot("recommendation-error");
		// the browser logs the failed request itself; nothing else may fail
		assertThat(browser.consoleErrors()).allMatch((error) -> error.contains("400"));
	}

	/** Types into a form's box and presses its button. */
	private void ask(String input, String value) {
		WebElement field = browser.driver().findElement(By.id(input));
		field.clear();
		field.sendKeys(value);
		browser.driver().findElement(By.cssSelector("form:has(#" + input + ") button")).click();
	}

	private static String attribute(String id, String name) {
		return browser.driver().findElement(By.id(id)).getDomAttribute(name);
	}

	/**
	 * A table's rows as "product second-column" lines (the reason, or a trending score),
	 * read in one go as the trending tables are rebuilt every few seconds.
	 */
	private static List<String> rows(String table) {
		Object rows = browser.driver()
			.executeScript("return [...document.querySelectorAll('#" + table + " tbody tr')]"
					+ ".filter((row) => row.cells.length === 4)"
					+ ".map((row) => row.cells[1].textContent + ' ' + row.cells[2].textContent)");
		return ((List<?>) rows).stream().map(String::valueOf).toList();
	}

	private String sku(int product) {
		return "BK-" + this.run.toUpperCase() + "-" + product;
	}

	private static String click(String user, String sku, String type, String session) {
		return """
				{"userId": "%s", "sku": "%s", "type": "%s", "sessionId": "%s"}""".formatted(user, sku, type, session);
	}

}
