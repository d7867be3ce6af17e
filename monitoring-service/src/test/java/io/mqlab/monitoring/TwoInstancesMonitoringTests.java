package io.mqlab.monitoring;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.monitoring.metrics.MetricsProcessor;
import io.mqlab.monitoring.metrics.MetricsSampled;
import io.mqlab.monitoring.metrics.MetricsSampled.Sample;
import io.mqlab.support.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the service on one store and one broker (Redis as both), both
 * processing, relaying and notifying: each transition reaches the webhook once, also
 * after one of them stops in the middle of an incident and the other carries its alert
 * on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoInstancesMonitoringTests {

	static final Duration PATIENCE = Duration.ofSeconds(30);

	private final String run = "mon2" + UUID.randomUUID().toString().substring(0, 8);

	private final TestBroker broker = TestBroker.of("redis");

	private WebhookServer webhooks;

	private ConfigurableApplicationContext first;

	private ConfigurableApplicationContext second;

	@BeforeAll
	void start() throws IOException {
		this.webhooks = new WebhookServer(0);
		this.first = instance();
		this.second = instance();
	}

	@AfterAll
	void stop() {
		for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { this.first,
				this.second }) {
			if (context != null) {
				context.close();
			}
		}
		if (this.webhooks != null) {
			this.webhooks.close();
		}
		this.broker.removeState(this.run, Map.of("metrics-" + this.run, "monitoring-" + this.run, "alerts-" + this.run,
				"monitoring-notifier-" + this.run));
		TestBroker.deleteRedisKeys("mon-" + this.run + "*");
	}

	@Test
	void eachTransitionIsNotifiedOnceAcrossInstancesAndAStop() {
		String rule = "pair-" + this.run;
		String instance = "pair-" + this.run;
		Http api = http(this.first);
		assertThat(api.post("/alerts/rules", """
				{"name": "%s", "metric": "test.backlog", "op": ">", "threshold": 100, "for": "0s", "clear": "2s",
				 "match": {"instance": "%s"}, "webhooks": ["flaky"]}""".formatted(rule, instance)).status())
			.isEqualTo(201);
		Instant base = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
		Messaging messaging = this.second.getBean(Messaging.class);
		for (int k = 0; k < 10; k++) {
			publish(messaging, instance, base.plusSeconds(k), 500);
		}
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(this.webhooks.accepted(rule)).hasSize(1));

		// one instance goes away while the alert fires; the other resolves it
		this.first.close();
		this.first = null;
		for (int k = 10; k < 20; k++) {
			publish(messaging, instance, base.plusSeconds(k), 10);
		}
		await().atMost(PATIENCE)
			.untilAsserted(
					() -> assertThat(this.webhooks.accepted(rule)).extracting((body) -> body.get("to").asString())
						.containsExactly("FIRING", "RESOLVED"));
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).untilAsserted(() -> {
			List<JsonNode> accepted = this.webhooks.accepted(rule);
			assertThat(accepted).hasSize(2);
			assertThat(accepted).extracting((body) -> body.get("dedupKey").asString()).doesNotHaveDuplicates();
			assertThat(http(this.second).get("/alerts?history=1000")
				.body()
				.get("history")
				.valueStream()
				.filter((t) -> t.get("rule").asString().equals(rule))).hasSize(2);
		});
	}

	/**
	 * A rule created through one instance counts at once on another that read the rules
	 * just before: the other one here is the processing step on its own (as a Flink job
	 * runs it), with a clock that stands still, so its rules are never a second old and
	 * only the rule's creation can make it read them again. Once it kept the old rules
	 * for up to a second and skipped the samples of a new one in the meantime: the first
	 * test missed its FIRING when the other instance took the samples within that second.
	 */
	@Test
	void aRuleCreatedThroughOneInstanceCountsAtOnceOnAnother() {
		String rule = "at-once-" + this.run;
		String instance = "at-once-" + this.run;
		Instant base = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
		Map<String, String> redis = TestBroker.redisProperties();
		LettuceConnectionFactory connections = new LettuceConnectionFactory(redis.get("spring.data.redis.host"),
				Integer.parseInt(redis.get("spring.data.redis.port")));
		connections.afterPropertiesSet();
		connections.start();
		try {
			MonitoringSettings settings = new Binder(
					new MapConfigurationPropertySource(Map.of("mqlab.monitoring.key-prefix", "mon-" + this.run,
							"mqlab.monitoring.webhooks.flaky", this.webhooks.url("/flaky"))))
				.bindOrCreate("mqlab.monitoring", Bindable.of(MonitoringSettings.class));
			MetricsProcessor other = MetricsProcessor.standalone(new StringRedisTemplate(connections), settings,
					Clock.fixed(Instant.now(), ZoneOffset.UTC), new SimpleMeterRegistry());
			// reads the rules: no such rule yet
			other.process(batch(instance, base, 500));
			Http api = http(this.second);
			assertThat(api.post("/alerts/rules", """
					{"name": "%s", "metric": "test.backlog", "op": ">", "threshold": 100, "for": "0s",
					 "match": {"instance": "%s"}}""".formatted(rule, instance)).status()).isEqualTo(201);
			other.process(batch(instance, base.plusSeconds(1), 500));
			assertThat(api.get("/alerts?history=0").body().get("alerts").valueStream())
				.filteredOn((alert) -> alert.get("rule").asString().equals(rule))
				.extracting((alert) -> alert.get("phase").asString())
				.containsExactly("FIRING");
		}
		finally {
			connections.destroy();
		}
	}

	private ConfigurableApplicationContext instance() {
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
		args.put("mqlab.monitoring.webhooks.flaky", this.webhooks.url("/flaky"));
		args.put("mqlab.monitoring.rules[0].name", "configured-" + this.run);
		args.put("mqlab.monitoring.rules[0].metric", "test.configured");
		args.put("mqlab.monitoring.rules[0].op", ">");
		args.put("mqlab.monitoring.rules[0].threshold", "1e12");
		args.put("mqlab.messaging.partitions", "4");
		args.put("mqlab.messaging.visibility-timeout", "5s");
		args.putAll(TestBroker.redisProperties());
		args.putAll(this.broker.properties(this.run));
		return MonitoringServiceApplication.builder()
			.run(args.entrySet().stream().map((e) -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
	}

	private void publish(Messaging messaging, String instance, Instant at, double value) {
		messaging.publish("metrics-" + this.run, instance, batch(instance, at, value));
	}

	private static MetricsSampled batch(String instance, Instant at, double value) {
		return new MetricsSampled("test-service", instance, "test-host", 1L, at, 1,
				List.of(new Sample("test.backlog", value, Map.of())));
	}

	private static Http http(ConfigurableApplicationContext context) {
		return new Http(((WebServerApplicationContext) context).getWebServer().getPort());
	}

}
