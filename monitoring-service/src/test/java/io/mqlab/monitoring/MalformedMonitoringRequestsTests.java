package io.mqlab.monitoring;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.support.MalformedRequests;
import io.mqlab.support.MalformedRequests.Endpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint of the monitoring service against a few hundred malformed requests:
 * never a 5xx. One instance on PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedMonitoringRequestsTests {

	private final String run = "monfuzz" + UUID.randomUUID().toString().substring(0, 8);

	private final TestBroker broker = TestBroker.of("postgres");

	private ConfigurableApplicationContext context;

	@BeforeAll
	void start() {
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", "postgres");
		args.put("server.port", "0");
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.metrics.agent.enabled", "false");
		args.put("mqlab.monitoring.metrics-topic", "metrics-" + this.run);
		args.put("mqlab.monitoring.alerts-topic", "alerts-" + this.run);
		args.put("mqlab.monitoring.key-prefix", "mon-" + this.run);
		args.put("mqlab.monitoring.webhooks.ops", "http://127.0.0.1:9/never-called");
		args.putAll(TestBroker.redisProperties());
		args.putAll(this.broker.properties(this.run));
		this.context = MonitoringServiceApplication.builder()
			.run(args.entrySet().stream().map((e) -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
	}

	@AfterAll
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		this.broker.removeState(this.run, Map.of());
		TestBroker.deleteRedisKeys("mon-" + this.run + "*");
	}

	@Test
	void noMalformedRequestGetsAServerError() throws IOException {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		List<MalformedRequests.Answer> answers = MalformedRequests.send(port, List.of(
				Endpoint.get("/metrics/series", Map.of(), Map.of("instance", "i-1", "name", "process.threads", "from",
						Instant.now().minusSeconds(600).toString(), "to", Instant.now().toString(), "step", "10s")),
				Endpoint.get("/metrics/instances", Map.of(), Map.of()),
				Endpoint.get("/alerts", Map.of(), Map.of("history", "10")),
				Endpoint.get("/alerts/rules", Map.of(), Map.of()),
				Endpoint.post("/alerts/rules", Map.of(),
						Map.of("name", "\"fuzz-rule\"", "metric", "\"process.threads\"", "op", "\">\"", "threshold",
								"200", "for", "\"30s\"", "match", "{\"service\":\"s\"}", "severity", "\"warning\"",
								"kind", "\"threshold\"", "webhooks", "[\"ops\"]")),
				Endpoint.post("/alerts/silences", Map.of(),
						Map.of("match", "{\"alertname\":\"fuzz-rule\"}", "duration", "\"1h\"", "comment", "\"c\""))));
		assertThat(answers).hasSizeGreaterThan(200);
		assertThat(answers).filteredOn((answer) -> answer.status() >= 500).isEmpty();
	}

}
