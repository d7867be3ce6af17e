package io.mqlab.monitoring;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.monitoring.metrics.MetricsSampled;
import io.mqlab.monitoring.metrics.MetricsSampled.Sample;
import io.mqlab.support.Http;
import io.mqlab.support.ServiceJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the service on Redis, one of them a JVM of its own that is SIGKILLed
 * twice: while the alerts are pending, and again (its replacement) while they fire and
 * their values have started to clear. Each alert's firing and its resolution reach the
 * webhook once each, none lost and none made twice. Samples carry event times the test
 * chooses, so the rule's periods pass without waiting for the clock.
 */
class MonitoringKillTests {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private static final int ALERTS = 8;

	private final String run = "monk" + UUID.randomUUID().toString().substring(0, 8);

	private TestBroker broker;

	private final List<ServiceJvm> children = new ArrayList<>();

	private WebhookServer webhooks;

	private ConfigurableApplicationContext survivor;

	@AfterEach
	void stop() throws InterruptedException {
		for (ServiceJvm child : this.children) {
			child.close();
		}
		if (this.survivor != null) {
			this.survivor.close();
		}
		if (this.webhooks != null) {
			this.webhooks.close();
		}
		if (this.broker == null) {
			return;
		}
		this.broker.removeState(this.run,
				Map.of("metrics-" + this.run, "monitoring-" + this.run, "alerts-" + this.run, "notifier-" + this.run));
		this.broker.close();
		TestBroker.deleteRedisKeys("mon-" + this.run + "*");
	}

	@Test
	void aServiceKilledWhileAlertsArePendingAndWhileTheyFireNotifiesEachTransitionOnce() throws Exception {
		killTwice("redis");
	}

	/** The scenario on a backend (Redis keeps the states whatever the backend). */
	void killTwice(String backend) throws Exception {
		this.broker = TestBroker.of(backend);
		this.webhooks = new WebhookServer(0);
		// the JVM to kill subscribes first: on RabbitMQ the first consumer of a
		// partition's queue is its single active one, the other stands by
		ServiceJvm doomed = child("first");
		Map<String, String> survivorArgs = args();
		survivorArgs.put("server.port", "0");
		this.survivor = MonitoringServiceApplication.builder()
			.run(survivorArgs.entrySet()
				.stream()
				.map((e) -> "--" + e.getKey() + "=" + e.getValue())
				.toArray(String[]::new));
		Http api = new Http(((WebServerApplicationContext) this.survivor).getWebServer().getPort());
		Messaging messaging = this.survivor.getBean(Messaging.class);
		Instant base = Instant.now().minusSeconds(120).truncatedTo(ChronoUnit.SECONDS);

		// above the threshold from base on: pending on every alert, then the kill
		publish(messaging, base, 0, 3, 500);
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(phases(api)).hasSize(ALERTS).containsOnly("PENDING"));
		// the instance killed had a share of the samples (its partitions pass on)
		assertThat(consumed(doomed)).isPositive();
		doomed.kill();
		publish(messaging, base, 3, 10, 500);
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(this.webhooks.accepted(rule())).hasSize(ALERTS)
				.extracting((body) -> body.get("to").asString())
				.containsOnly("FIRING"));

		// a replacement joins; below the threshold less its margin: clearing, then the
		// kill
		ServiceJvm replacement = child("second");
		publish(messaging, base, 10, 12, 10);
		replacement.kill();
		publish(messaging, base, 12, 20, 10);
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(this.webhooks.accepted(rule())).hasSize(2 * ALERTS));
		// and nothing more arrives late
		await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).untilAsserted(() -> {
			List<JsonNode> accepted = this.webhooks.accepted(rule());
			assertThat(accepted).extracting((body) -> body.get("dedupKey").asString()).doesNotHaveDuplicates();
			for (int i = 0; i < ALERTS; i++) {
				String instance = instance(i);
				assertThat(accepted)
					.filteredOn((body) -> body.get("labels").get("instance").asString().equals(instance))
					.extracting((body) -> body.get("to").asString())
					.as(instance)
					.containsExactly("FIRING", "RESOLVED");
			}
		});
	}

	private String rule() {
		return "kill-" + this.run;
	}

	private String instance(int i) {
		return this.run + "-" + i;
	}

	/** Samples at base + k s for k in [from, to), one per alert each. */
	private void publish(Messaging messaging, Instant base, int from, int to, double value) {
		for (int k = from; k < to; k++) {
			for (int i = 0; i < ALERTS; i++) {
				messaging.publish("metrics-" + this.run, instance(i),
						new MetricsSampled("kill-" + this.run, instance(i), "test-host", 1L, base.plusSeconds(k), 1,
								List.of(new Sample("test.kill", value, Map.of()))));
			}
		}
	}

	private List<String> phases(Http api) {
		return api.get("/alerts")
			.body()
			.get("alerts")
			.valueStream()
			.filter((alert) -> alert.get("rule").asString().equals(rule()))
			.map((alert) -> alert.get("phase").asString())
			.toList();
	}

	private ServiceJvm child(String name) throws IOException {
		ServiceJvm child = ServiceJvm.start(MonitoringServiceApplication.class,
				"monitoring-kill-" + this.run + "-" + name, args());
		this.children.add(child);
		return child.awaitHealthy(Duration.ofMinutes(2));
	}

	/** Sample batches the child handled, by its own Prometheus endpoint. */
	private double consumed(ServiceJvm child) {
		String metrics = child.http().get("/actuator/prometheus").body().asString();
		return metrics.lines()
			.filter((line) -> line.startsWith("mqlab_messages_consumed_total{") && line.contains("metrics-" + this.run))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	private Map<String, String> args() {
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", this.broker.backend());
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.metrics.agent.enabled", "false");
		args.put("mqlab.monitoring.metrics-topic", "metrics-" + this.run);
		args.put("mqlab.monitoring.alerts-topic", "alerts-" + this.run);
		args.put("mqlab.monitoring.group", "monitoring-" + this.run);
		args.put("mqlab.monitoring.notifier-group", "notifier-" + this.run);
		args.put("mqlab.monitoring.key-prefix", "mon-" + this.run);
		args.put("mqlab.monitoring.webhooks.flaky", this.webhooks.url("/flaky"));
		args.put("mqlab.monitoring.rules[0].name", rule());
		args.put("mqlab.monitoring.rules[0].metric", "test.kill");
		args.put("mqlab.monitoring.rules[0].op", ">");
		args.put("mqlab.monitoring.rules[0].threshold", "100");
		args.put("mqlab.monitoring.rules[0].for", "5s");
		args.put("mqlab.monitoring.rules[0].clear", "5s");
		args.put("mqlab.monitoring.rules[0].webhooks[0]", "flaky");
		args.put("mqlab.messaging.partitions", "4");
		// a killed member's unacknowledged entries pass to the other after this
		args.put("mqlab.messaging.visibility-timeout", "3s");
		args.putAll(TestBroker.redisProperties());
		args.putAll(this.broker.properties(this.run));
		return args;
	}

}
