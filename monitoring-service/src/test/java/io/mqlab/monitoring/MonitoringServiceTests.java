package io.mqlab.monitoring;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.monitoring.metrics.MetricsSampled;
import io.mqlab.monitoring.metrics.MetricsSampled.Sample;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import io.mqlab.support.Http;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The monitoring service end to end on one backend, with real brokers, the local Redis
 * and a real local webhook server: sample batches published to the run's {@code metrics}
 * topic (with the times the test chooses) become rollups and instances; rules fire and
 * resolve on them; transitions reach the webhooks once. One instance per class; topics,
 * groups and Redis keys are named after the run and removed afterwards. One subclass per
 * backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MonitoringServiceTests {

	static final Duration PATIENCE = Duration.ofSeconds(30);

	final String run = "mon" + UUID.randomUUID().toString().substring(0, 8);

	private final TestBroker broker;

	private final Map<String, String> extraProperties;

	ConfigurableApplicationContext context;

	private WebhookServer webhooks;

	Http api;

	Messaging messaging;

	private MeterRegistry meters;

	MonitoringServiceTests(TestBroker broker) {
		this(broker, Map.of());
	}

	/** With more properties, e.g. another engine. */
	MonitoringServiceTests(TestBroker broker, Map<String, String> extraProperties) {
		this.broker = broker;
		this.extraProperties = extraProperties;
	}

	@BeforeAll
	void start() throws IOException {
		this.webhooks = new WebhookServer(3);
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", this.broker.backend());
		args.put("server.port", "0");
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.metrics.agent.enabled", "false");
		args.put("mqlab.monitoring.metrics-topic", metricsTopic());
		args.put("mqlab.monitoring.alerts-topic", alertsTopic());
		args.put("mqlab.monitoring.group", "monitoring-" + this.run);
		args.put("mqlab.monitoring.notifier-group", notifierGroup());
		args.put("mqlab.monitoring.key-prefix", "mon-" + this.run);
		args.put("mqlab.monitoring.stale-after", "2s");
		args.put("mqlab.monitoring.webhooks.flaky", this.webhooks.url("/flaky"));
		args.put("mqlab.monitoring.webhooks.broken", this.webhooks.url("/broken"));
		args.put("mqlab.monitoring.notify.max-attempts", "5");
		args.put("mqlab.monitoring.notify.initial-delay", "100ms");
		args.put("mqlab.monitoring.notify.max-delay", "300ms");
		// one rule from configuration instead of the defaults
		args.put("mqlab.monitoring.rules[0].name", "configured-" + this.run);
		args.put("mqlab.monitoring.rules[0].metric", "test.configured");
		args.put("mqlab.monitoring.rules[0].op", ">");
		args.put("mqlab.monitoring.rules[0].threshold", "1e12");
		args.put("mqlab.monitoring.rules[0].for", "1m");
		args.put("mqlab.monitoring.rules[0].webhooks[0]", "flaky");
		args.put("mqlab.messaging.partitions", "4");
		args.put("mqlab.messaging.visibility-timeout", "5s");
		args.putAll(TestBroker.redisProperties());
		args.putAll(this.broker.properties(this.run));
		args.putAll(this.extraProperties);
		String[] commandLine = args.entrySet()
			.stream()
			.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
		this.context = MonitoringServiceApplication.builder().run(commandLine);
		this.api = new Http(port());
		this.messaging = this.context.getBean(Messaging.class);
		this.meters = this.context.getBean(MeterRegistry.class);
	}

	@AfterAll
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		if (this.webhooks != null) {
			this.webhooks.close();
		}
		this.broker.removeState(this.run,
				Map.of(metricsTopic(), "monitoring-" + this.run, alertsTopic(), notifierGroup()));
		this.broker.close();
		TestBroker.deleteRedisKeys("mon-" + this.run + "*");
	}

	@Test
	void samplesBecomeRollupsAndInstancesOnceEachAndLateOnesAreDropped() {
		String instance = "rollups-" + this.run;
		Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(2));
		for (int k = 0; k < 6; k++) {
			publish(instance, base.plusSeconds(2 * k), sample("test.cpu", k),
					new Sample("consumer.backlog", 10.0 + k, Map.of("topic", "ORDER", "group", "g1")));
		}
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(points(instance, "test.cpu", base)).isNotEmpty()
				.first()
				.satisfies((point) -> assertThat(point.get("count").asLong()).isEqualTo(5)));
		// all six batches in: the instance shows the last one's time
		await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
			JsonNode found = this.api.get("/metrics/instances")
				.body()
				.get("instances")
				.valueStream()
				.filter((node) -> node.get("instance").asString().equals(instance))
				.findFirst()
				.orElseThrow();
			assertThat(found.get("service").asString()).isEqualTo("test-service");
			assertThat(found.get("host").asString()).isEqualTo("test-host");
			assertThat(found.get("pid").asLong()).isEqualTo(4242);
			assertThat(Instant.parse(found.get("lastSampleAt").asString())).isEqualTo(base.plusSeconds(10));
		});
		// 10 s windows: [0, 2, 4, 6, 8] and [10]
		List<JsonNode> tens = points(instance, "test.cpu", base);
		assertThat(tens).hasSize(2);
		assertRollup(tens.get(0), 5, 0, 4, 2.0, 4);
		assertRollup(tens.get(1), 1, 5, 5, 5.0, 5);
		JsonNode backlog = series(instance, "consumer.backlog", base, "1m");
		assertThat(backlog.get("series").get(0).get("id").asString())
			.isEqualTo("consumer.backlog{group=\"g1\",topic=\"ORDER\"}");
		assertRollup(backlog.get("series").get(0).get("points").get(0), 6, 10, 15, 12.5, 15);

		// the same batch again (a redelivery) and one too late for both windows, after a
		// later one moved the instance's event time on
		double duplicates = counter("monitoring.batches", "duplicate");
		double late = counter("monitoring.samples", "late-1m");
		publish(instance, base.plusSeconds(100), sample("test.cpu", 100));
		publish(instance, base, sample("test.cpu", 0));
		publish(instance, base.plusSeconds(1), sample("test.cpu", 1000));
		await().atMost(PATIENCE).untilAsserted(() -> {
			assertThat(counter("monitoring.batches", "duplicate")).isEqualTo(duplicates + 1);
			assertThat(counter("monitoring.samples", "late-1m")).isEqualTo(late + 1);
		});
		List<JsonNode> after = points(instance, "test.cpu", base);
		assertRollup(after.get(0), 5, 0, 4, 2.0, 4);
		assertThat(after).hasSize(3);
	}

	@Test
	void aSignalHeldOverTheThresholdFiresOnceAndNoiseNeitherFlapsNorResolves() {
		String rule = "held-" + this.run;
		String instance = "held-" + this.run;
		assertThat(
				this.api.post("/alerts/rules", rule(rule, "test.threads", ">", 200, "10s", instance, "flaky")).status())
			.isEqualTo(201);
		Instant base = Instant.now().minusSeconds(120).truncatedTo(ChronoUnit.SECONDS);
		for (int k = 0; k <= 10; k++) {
			publish(instance, base.plusSeconds(k), sample("test.threads", 250));
		}
		// fires with the first sample at or after the period
		JsonNode firing = awaitTransitions(rule, 1).get(0);
		assertThat(firing.get("to").asString()).isEqualTo("FIRING");
		assertThat(Instant.parse(firing.get("at").asString())).isEqualTo(base.plusSeconds(10));
		assertThat(firing.get("dedupKey").asString()).startsWith(rule + "@").endsWith("/1");
		assertThat(firing.get("labels").get("instance").asString()).isEqualTo(instance);
		assertThat(firing.get("labels").get("service").asString()).isEqualTo("test-service");

		// noise around the threshold, within the margin (10 % of 200): stays firing
		for (int k = 11; k <= 40; k++) {
			publish(instance, base.plusSeconds(k), sample("test.threads", (k % 2 == 0) ? 185 : 215));
		}
		// clear by the margin for the clear period (the rule's for): resolves once
		for (int k = 41; k <= 60; k++) {
			publish(instance, base.plusSeconds(k), sample("test.threads", 100));
		}
		List<JsonNode> transitions = awaitTransitions(rule, 2);
		assertThat(transitions).extracting((t) -> t.get("to").asString()).containsExactly("FIRING", "RESOLVED");
		assertThat(Instant.parse(transitions.get(1).get("at").asString())).isEqualTo(base.plusSeconds(51));

		// the flaky webhook failed 3 times per notification, then took each exactly once
		await().atMost(PATIENCE)
			.untilAsserted(
					() -> assertThat(this.webhooks.accepted(rule)).extracting((body) -> body.get("to").asString())
						.containsExactlyInAnyOrder("FIRING", "RESOLVED"));
		String key = firing.get("dedupKey").asString();
		assertThat(this.webhooks.calls(key)).isEqualTo(4);
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).untilAsserted(() -> {
			assertThat(this.webhooks.accepted(rule)).hasSize(2);
			assertThat(transitions(rule)).hasSize(2);
		});
	}

	@Test
	void aGapInTheSamplesNeverResolvesAnAlert() {
		String rule = "gap-" + this.run;
		String instance = "gap-" + this.run;
		assertThat(this.api.post("/alerts/rules", rule(rule, "test.errors", ">", 5, "0s", instance, "flaky")).status())
			.isEqualTo(201);
		publish(instance, Instant.now().minusSeconds(1), sample("test.errors", 9));
		awaitTransitions(rule, 1);
		// no samples: after stale-after (2 s) it shows stale, and it stays firing
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(alert(rule).get("stale").asBoolean()).isTrue());
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).untilAsserted(() -> {
			assertThat(alert(rule).get("phase").asString()).isEqualTo("FIRING");
			assertThat(transitions(rule)).hasSize(1);
		});
	}

	@Test
	void aWebhookThatAlwaysFailsEndsInTheDeadLetters() {
		String rule = "broken-" + this.run;
		String instance = "broken-" + this.run;
		assertThat(this.api.post("/alerts/rules", rule(rule, "test.latency.p99", ">", 0.5, "0s", instance, "broken"))
			.status()).isEqualTo(201);
		int before = this.webhooks.brokenCalls();
		publish(instance, Instant.now().minusSeconds(1), sample("test.latency.p99", 0.9));
		String key = awaitTransitions(rule, 1).get(0).get("dedupKey").asString();
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(this.messaging.deadLetters().list(alertsTopic(), notifierGroup(), 50))
				.anySatisfy((letter) -> assertThat(letter.envelope().payload()).contains(key)));
		// max-attempts 5
		assertThat(this.webhooks.brokenCalls() - before).isEqualTo(5);
	}

	@Test
	void deletingARuleResolvesItsAlertsAndSilencesMute() {
		String rule = "deleted-" + this.run;
		String instance = "deleted-" + this.run;
		assertThat(this.api.post("/alerts/rules", rule(rule, "test.queue", ">", 1, "0s", instance, "flaky")).status())
			.isEqualTo(201);
		publish(instance, Instant.now().minusSeconds(1), sample("test.queue", 7));
		awaitTransitions(rule, 1);
		assertThat(this.api.delete("/alerts/rules/" + rule).status()).isEqualTo(204);
		assertThat(awaitTransitions(rule, 2)).extracting((t) -> t.get("to").asString())
			.containsExactly("FIRING", "RESOLVED");
		assertThat(this.api.get("/alerts")
			.body()
			.get("alerts")
			.valueStream()
			.filter((alert) -> alert.get("rule").asString().equals(rule))).isEmpty();
		assertThat(this.api.delete("/alerts/rules/" + rule).status()).isEqualTo(404);
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(this.webhooks.accepted(rule)).hasSize(2));

		// a silence on another rule's alerts: it fires, nobody is called
		String muted = "muted-" + this.run;
		Http.Response silence = this.api.post("/alerts/silences",
				"{\"match\":{\"alertname\":\"" + muted + "\"},\"duration\":\"1h\",\"comment\":\"test\"}");
		assertThat(silence.status()).isEqualTo(201);
		assertThat(this.api.post("/alerts/rules", rule(muted, "test.queue", ">", 1, "0s", instance, "flaky")).status())
			.isEqualTo(201);
		double silenced = counter("monitoring.notifications", "silenced");
		publish(instance, Instant.now(), sample("test.queue", 8));
		awaitTransitions(muted, 1);
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(counter("monitoring.notifications", "silenced")).isEqualTo(silenced + 1));
		assertThat(this.webhooks.accepted(muted)).isEmpty();
	}

	@Test
	void rulesComeFromConfigurationAndBadOnesAreRejectedNamingTheField() {
		JsonNode rules = this.api.get("/alerts/rules").body().get("rules");
		assertThat(rules.valueStream().map((r) -> r.get("name").asString())).contains("configured-" + this.run);
		JsonNode configured = rules.valueStream()
			.filter((r) -> r.get("name").asString().equals("configured-" + this.run))
			.findFirst()
			.orElseThrow();
		assertThat(configured.get("for").asString()).isEqualTo("1m");
		assertThat(configured.get("kind").asString()).isEqualTo("threshold");

		Map<String, String> bad = new LinkedHashMap<>();
		bad.put("name", "{\"name\":\"Bad Name\",\"metric\":\"m\",\"op\":\">\",\"threshold\":1}");
		bad.put("metric", "{\"name\":\"r1\",\"op\":\">\",\"threshold\":1}");
		bad.put("op", "{\"name\":\"r1\",\"metric\":\"m\",\"op\":\"=~\",\"threshold\":1}");
		bad.put("threshold", "{\"name\":\"r1\",\"metric\":\"m\",\"op\":\">\"}");
		bad.put("for", "{\"name\":\"r1\",\"metric\":\"m\",\"op\":\">\",\"threshold\":1,\"for\":\"soon\"}");
		bad.put("kind", "{\"name\":\"r1\",\"metric\":\"m\",\"op\":\">\",\"threshold\":1,\"kind\":\"magic\"}");
		bad.put("severity", "{\"name\":\"r1\",\"metric\":\"m\",\"op\":\">\",\"threshold\":1,\"severity\":\"meh\"}");
		bad.put("webhooks[0]",
				"{\"name\":\"r1\",\"metric\":\"m\",\"op\":\">\",\"threshold\":1,\"webhooks\":[\"http://evil\"]}");
		bad.put("match.service",
				"{\"name\":\"r1\",\"metric\":\"m\",\"op\":\">\",\"threshold\":1,\"match\":{\"service\":\"\"}}");
		bad.put("margin", "{\"name\":\"r1\",\"metric\":\"m\",\"op\":\">\",\"threshold\":1,\"margin\":-1}");
		bad.put("threshold ", "{\"name\":\"r1\",\"metric\":\"m\",\"op\":\">\",\"threshold\":\"high\"}");
		bad.put("url", "{\"name\":\"r1\",\"metric\":\"m\",\"op\":\">\",\"threshold\":1,\"url\":\"http://evil\"}");
		bad.forEach((field, body) -> {
			Http.Response answer = this.api.post("/alerts/rules", body);
			assertThat(answer.status()).as(body).isEqualTo(400);
			assertThat(answer.contentType()).startsWith("application/problem+json");
			assertThat(answer.body().get("errors").valueStream().map((e) -> e.get("field").asString())).as(body)
				.contains(field.strip());
		});
		assertThat(this.api
			.post("/alerts/rules",
					"{\"name\":\"r1\",\"metric\":\"http.requests.rate\","
							+ "\"op\":\">\",\"threshold\":1,\"kind\":\"percentile\"}")
			.status()).isEqualTo(400);
		assertThat(this.api.post("/alerts/rules", rule("configured-" + this.run, "m", ">", 1, "0s", "x", "flaky"))
			.status()).isEqualTo(409);
		assertThat(this.api.get("/metrics/series?instance=x&name=m&step=7s").status()).isEqualTo(400);
		assertThat(this.api.get("/metrics/series?name=m").body().get("errors").get(0).get("field").asString())
			.isEqualTo("instance");
		assertThat(this.api.get("/alerts?history=100000").status()).isEqualTo(400);
		assertThat(this.api.post("/alerts/silences", "{\"match\":{},\"duration\":\"1h\"}").status()).isEqualTo(400);
	}

	@Test
	void theDashboardIsServedAndTheLiveFeedSendsSnapshots() throws Exception {
		String instance = "live-" + this.run;
		publish(instance, Instant.now(), sample("process.threads", 42));
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(this.api.get("/metrics/instances")
				.body()
				.get("instances")
				.valueStream()
				.map((node) -> node.get("instance").asString())).contains(instance));
		assertThat(this.api.get("/").body().asString()).contains("<title>mqlab monitoring</title>");
		assertThat(this.api.get("/monitoring.js").status()).isEqualTo(200);
		HttpClient client = HttpClient.newHttpClient();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/events"))
			.timeout(Duration.ofSeconds(20))
			.build();
		HttpResponse<Stream<String>> response = client.send(request, HttpResponse.BodyHandlers.ofLines());
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/event-stream"));
		try (Stream<String> lines = response.body()) {
			String data = lines.filter((line) -> line.startsWith("data:") && line.contains(instance))
				.findFirst()
				.orElseThrow();
			JsonNode snapshot = JsonMapper.shared().readTree(data.substring("data:".length()));
			JsonNode live = snapshot.get("instances")
				.valueStream()
				.filter((node) -> node.get("instance").asString().equals(instance))
				.findFirst()
				.orElseThrow();
			assertThat(live.get("latest").get("process.threads").asDouble()).isEqualTo(42.0);
			assertThat(snapshot.get("alerts").isArray()).isTrue();
		}
	}

	// ---- helpers

	private int port() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	String metricsTopic() {
		return "metrics-" + this.run;
	}

	private String alertsTopic() {
		return "alerts-" + this.run;
	}

	private String notifierGroup() {
		return "monitoring-notifier-" + this.run;
	}

	static Sample sample(String name, double value) {
		return new Sample(name, value, Map.of());
	}

	void publish(String instance, Instant at, Sample... samples) {
		publish(metricsTopic(), instance, at, samples);
	}

	void publish(String topic, String instance, Instant at, Sample... samples) {
		this.messaging.publish(topic, instance,
				new MetricsSampled("test-service", instance, "test-host", 4242L, at, 1, List.of(samples)));
	}

	private static String rule(String name, String metric, String op, double threshold, String period, String instance,
			String webhook) {
		return """
				{"name": "%s", "metric": "%s", "op": "%s", "threshold": %s, "for": "%s",
				 "match": {"instance": "%s"}, "severity": "warning", "kind": "%s", "webhooks": ["%s"]}""".formatted(
				name, metric, op, threshold, period, instance, metric.endsWith(".p99") ? "percentile" : "threshold",
				webhook);
	}

	private JsonNode series(String instance, String name, Instant from, String step) {
		Http.Response answer = this.api.get("/metrics/series?instance=" + instance + "&name=" + name + "&from=" + from
				+ "&to=" + from.plusSeconds(600) + "&step=" + step);
		assertThat(answer.status()).as("%s", answer.body()).isEqualTo(200);
		return answer.body();
	}

	private List<JsonNode> points(String instance, String name, Instant from) {
		JsonNode series = series(instance, name, from, "10s").get("series");
		return (series.isEmpty()) ? List.of() : series.get(0).get("points").valueStream().toList();
	}

	private static void assertRollup(JsonNode point, long count, double min, double max, double avg, double last) {
		assertThat(point.get("count").asLong()).as("%s", point).isEqualTo(count);
		assertThat(point.get("min").asDouble()).as("%s", point).isEqualTo(min);
		assertThat(point.get("max").asDouble()).as("%s", point).isEqualTo(max);
		assertThat(point.get("avg").asDouble()).as("%s", point).isEqualTo(avg);
		assertThat(point.get("last").asDouble()).as("%s", point).isEqualTo(last);
	}

	/** The rule's transitions published to the run's alerts topic, oldest first. */
	private List<JsonNode> transitions(String rule) {
		List<JsonNode> transitions = new ArrayList<>(this.api.get("/alerts?history=1000")
			.body()
			.get("history")
			.valueStream()
			.filter((t) -> t.get("rule").asString().equals(rule))
			.toList());
		java.util.Collections.reverse(transitions);
		return transitions;
	}

	private List<JsonNode> awaitTransitions(String rule, int count) {
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(transitions(rule)).hasSize(count));
		return transitions(rule);
	}

	private JsonNode alert(String rule) {
		return this.api.get("/alerts")
			.body()
			.get("alerts")
			.valueStream()
			.filter((alert) -> alert.get("rule").asString().equals(rule))
			.findFirst()
			.orElseThrow();
	}

	private double counter(String name, String outcome) {
		return this.meters.find(name).tag("outcome", outcome).counters().stream().mapToDouble((c) -> c.count()).sum();
	}

}
