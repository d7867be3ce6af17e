package io.mqlab.platform;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.mqlab.messaging.contract.LocalBrokers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reconciliation page in a real browser while orders flow through the three migration
 * services (on Redis; the per-backend suites cover the other backends): its figures are
 * the summary's, a mismatch links to its order, and it refreshes by itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReconciliationPageTests {

	static final Duration PATIENCE = Duration.ofSeconds(60);

	/** The cards on the page, by element id, as the summary names them. */
	static final List<String> COUNTS = List.of("total", "matched", "mismatched", "missingInLegacy", "missingInNew",
			"pending", "late");

	@RegisterExtension
	static final Browser browser = new Browser();

	private Platform platform;

	private Http orders;

	private Http reconciliation;

	private String page;

	/** Orders placed by this class's tests: the summary's total once all have arrived. */
	private int placed;

	@BeforeAll
	void startPlatform() {
		LocalBrokers.requireRedis();
		this.platform = new Platform("redis");
		Map<String, String> broker = Map.of("spring.data.redis.host", LocalBrokers.HOST, "spring.data.redis.port",
				Integer.toString(LocalBrokers.REDIS_PORT));
		ConfigurableApplicationContext recon = this.platform.reconciliationService(broker);
		this.platform.orderServiceNew(broker);
		ConfigurableApplicationContext legacy = this.platform.orderService(broker);
		this.orders = new Http(Platform.port(legacy));
		this.reconciliation = new Http(Platform.port(recon));
		this.page = "http://127.0.0.1:" + Platform.port(recon) + "/";
	}

	@AfterAll
	void stopPlatform() {
		if (this.platform != null) {
			this.platform.close();
			RedisMigrationEndToEndTests.removeState(this.platform);
		}
	}

	@Test
	void showsTheSummaryAndRefreshesByItself() {
		browser.open(this.page);
		// set on this document only: still there after a refresh means the page was not
		// reloaded
		browser.driver().executeScript("window.notReloaded = true");
		place(MigrationEndToEndTests.PLAIN, MigrationEndToEndTests.TWO_DISCOUNTS, MigrationEndToEndTests.HALF_CENT_TAX);
		awaitPageShowsSettledSummary();
		String before = browser.text("total");

		place(MigrationEndToEndTests.PLAIN_US, MigrationEndToEndTests.FREE_SHIPPING_EDGE);
		awaitPageShowsSettledSummary();
		assertThat(browser.text("total")).isNotEqualTo(before);
		assertThat(browser.driver().executeScript("return window.notReloaded")).isEqualTo(true);
		assertThat(browser.text("updated")).startsWith("updated ");
		browser.screenshot("reconciliation");
		assertThat(browser.consoleErrors()).isEmpty();
	}

	@Test
	void aMismatchLinksToItsOrder() {
		String id = place(MigrationEndToEndTests.TWO_DISCOUNTS).get(0);
		browser.open(this.page);
		By link = By.cssSelector("#mismatches a[title='" + id + "']");
		await().atMost(PATIENCE).until(() -> !browser.driver().findElements(link).isEmpty());
		assertThat(browser.consoleErrors()).isEmpty();
		// the table is rebuilt every two seconds: a link found may be gone when clicked
		await().atMost(PATIENCE).ignoreException(StaleElementReferenceException.class).until(() -> {
			List<WebElement> found = browser.driver().findElements(link);
			if (found.isEmpty()) {
				return false;
			}
			assertThat(found.get(0).getText()).isEqualTo(id.substring(0, 8));
			found.get(0).click();
			return true;
		});
		await().atMost(Duration.ofSeconds(10))
			.until(() -> browser.driver().getCurrentUrl().endsWith("/reconciliation/orders/" + id));
		JsonNode shown = JsonMapper.shared().readTree(browser.driver().findElement(By.tagName("body")).getText());
		assertThat(shown.get("orderId").asString()).isEqualTo(id);
		assertThat(shown.get("status").asString()).isEqualTo("MISMATCHED");
		assertThat(shown.get("diffs").valueStream().map((diff) -> diff.get("field").asString()))
			.containsExactly("discount", "tax", "total");
		assertThat(shown).isEqualTo(this.reconciliation.get("/reconciliation/orders/" + id).body());
		// the JSON view is the browser's own (it asks for a favicon there): no console
		// check
		browser.screenshot("reconciliation-order");
	}

	private List<String> place(String... bodies) {
		return Arrays.stream(bodies).map((body) -> {
			Http.Response placed = this.orders.post("/orders", body);
			assertThat(placed.status()).isEqualTo(201);
			this.placed++;
			return placed.body().get("id").asString();
		}).toList();
	}

	/**
	 * Waits until reconciliation has every order placed, none pending, and the page shows
	 * exactly the summary's figures.
	 */
	private void awaitPageShowsSettledSummary() {
		await().atMost(PATIENCE).untilAsserted(() -> {
			JsonNode summary = this.reconciliation.get("/reconciliation/summary").body();
			assertThat(summary.get("total").asLong()).isEqualTo(this.placed);
			assertThat(summary.get("pending").asLong()).isZero();
			for (String count : COUNTS) {
				assertThat(browser.text(count)).as(count).isEqualTo(summary.get(count).asString());
			}
			assertThat(browser.text("matchRate"))
				.isEqualTo(String.format(Locale.ROOT, "%.1f %%", summary.get("matchRate").asDouble() * 100));
			assertThat(fieldsShown()).isEqualTo(fields(summary));
		});
	}

	/** The per-field table as "field orders" lines, read in one go (it is rebuilt). */
	private static List<String> fieldsShown() {
		Object rows = browser.driver()
			.executeScript("return [...document.querySelectorAll('#fields tbody tr')]"
					+ ".map((row) => row.cells[0].textContent + ' ' + row.cells[1].textContent)");
		return ((List<?>) rows).stream().map(String::valueOf).sorted().toList();
	}

	private static List<String> fields(JsonNode summary) {
		return summary.get("fields")
			.properties()
			.stream()
			.map((field) -> field.getKey() + " " + field.getValue().asString())
			.sorted()
			.toList();
	}

}
