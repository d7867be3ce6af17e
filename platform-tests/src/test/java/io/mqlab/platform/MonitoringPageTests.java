package io.mqlab.platform;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.contract.LocalBrokers;
import io.mqlab.monitoring.MonitoringServiceApplication;
import io.mqlab.monitoring.metrics.MetricsSampled;
import io.mqlab.monitoring.metrics.MetricsSampled.Sample;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The monitoring dashboard in a real browser, with the service on Redis (as broker and as
 * its store): an instance's card with its charts' latest values, and a firing alert in
 * the list and the banner, both arriving by server-sent events. Topics and Redis keys are
 * named after the run and removed after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringPageTests {

	static final Duration PATIENCE = Duration.ofSeconds(60);

	@RegisterExtension
	static final Browser browser = new Browser();

	private final String run = "mpg" + UUID.randomUUID().toString().substring(0, 8);

	private final String instance = "page-" + this.run;

	private ConfigurableApplicationContext service;

	private Http api;

	private String page;

	@BeforeAll
	void startService() {
		LocalBrokers.requireRedis();
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", "redis");
		args.put("server.port", "0");
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.metrics.agent.enabled", "false");
		args.put("mqlab.monitoring.metrics-topic", "metrics-" + this.run);
		args.put("mqlab.monitoring.alerts-topic", "alerts-" + this.run);
		args.put("mqlab.monitoring.group", "monitoring-" + this.run);
		args.put("mqlab.monitoring.notifier-group", "monitoring-notifier-" + this.run);
		args.put("mqlab.monitoring.key-prefix", "mon-" + this.run);
		args.put("mqlab.monitoring.page-interval", "500ms");
		args.put("mqlab.messaging.partitions", "4");
		this.service = MonitoringServiceApplication.builder()
			.run(args.entrySet()
				.stream()
				.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
				.toArray(String[]::new));
		this.api = new Http(Platform.port(this.service));
		this.page = "http://127.0.0.1:" + Platform.port(this.service) + "/";
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
	void showsAnInstanceAndAFiringAlertLive() {
		browser.open(this.page);
		String rule = "threads-" + this.run;
		assertThat(this.api.post("/alerts/rules", """
				{"name": "%s", "metric": "process.threads", "op": ">", "threshold": 100, "for": "0s",
				 "match": {"instance": "%s"}, "severity": "critical"}""".formatted(rule, this.instance)).status())
			.isEqualTo(201);
		Messaging messaging = this.service.getBean(Messaging.class);
		Instant now = Instant.now();
		for (int k = 5; k >= 1; k--) {
			messaging.publish("metrics-" + this.run, this.instance,
					new MetricsSampled("page-service", this.instance, "page-host", 77L, now.minusSeconds(k), 1,
							List.of(new Sample("process.threads", 200.0 + k, Map.of()),
									new Sample("host.cpu.usage", 0.25, Map.of()))));
		}
		await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
			WebElement card = browser.driver().findElement(By.id("instance-" + this.instance));
			assertThat(card.findElement(By.cssSelector(".meta")).getText()).contains("host page-host", "pid 77");
			assertThat(value(card, "process.threads")).isEqualTo("201");
			assertThat(value(card, "host.cpu.usage")).isEqualTo("0.250");
		});
		await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
			WebElement row = browser.driver().findElement(By.cssSelector("#alerts tr[data-rule='" + rule + "']"));
			assertThat(row.getDomAttribute("class")).contains("FIRING");
			WebElement banner = browser.driver().findElement(By.id("banner"));
			assertThat(banner.isDisplayed()).isTrue();
			assertThat(banner.getText()).contains("firing", rule);
		});
		browser.screenshot("monitoring-dashboard");
		assertThat(browser.consoleErrors()).isEmpty();
	}

	private static String value(WebElement card, String series) {
		return card.findElement(By.cssSelector("[data-series='" + series + "'] b")).getText();
	}

}
