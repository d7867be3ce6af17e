package io.mqlab.iot;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.support.Http;
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
 * Every endpoint of iot-service against a few hundred malformed requests: never a 5xx.
 * One instance on Redis without the bridge (no MQTT needed for this), its keys named
 * after the run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedIotRequestsTests {

	private final String run = "iotfuzz" + UUID.randomUUID().toString().substring(0, 8);

	private ConfigurableApplicationContext context;

	@BeforeAll
	void start() {
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", "redis");
		args.put("server.port", "0");
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.iot.mqtt.enabled", "false");
		args.put("mqlab.iot.key-prefix", this.run);
		for (String name : List.of("telemetry", "state", "status", "results", "rejected", "commands", "alerts")) {
			args.put("mqlab.iot.topics." + name, "iot." + name + "-" + this.run);
		}
		args.putAll(TestBroker.redisProperties());
		this.context = IotServiceApplication.builder()
			.run(args.entrySet()
				.stream()
				.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
				.toArray(String[]::new));
	}

	@AfterAll
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		TestBroker.deleteRedisKeys("mqlab:iot.*-" + this.run + "*");
		TestBroker.deleteRedisKeys(this.run + ":*");
	}

	@Test
	void noMalformedRequestGetsAServerError() throws IOException {
		String device = this.run + "-d1";
		Http http = new Http(port());
		assertThat(http.post("/devices", "{\"id\":\"" + device + "\"}").status()).isEqualTo(201);
		List<MalformedRequests.Answer> answers = MalformedRequests.send(port(),
				List.of(Endpoint.post("/devices", Map.of(), Map.of("id", "\"" + device + "\"")),
						Endpoint.get("/devices", Map.of(), Map.of("online", "true", "offset", "0", "limit", "10")),
						Endpoint.get("/devices/{id}", Map.of("id", device), Map.of()),
						Endpoint.get("/devices/{id}/state", Map.of("id", device), Map.of()),
						Endpoint.get("/devices/{id}/telemetry", Map.of("id", device),
								Map.of("from", "2026-01-01T00:00:00Z", "to", "2026-01-02T00:00:00Z", "limit", "10")),
						Endpoint.post("/devices/{id}/commands", Map.of("id", device),
								Map.of("name", "\"reboot\"", "args", "{}", "ttl", "\"PT1M\"")),
						Endpoint.get("/devices/{id}/commands/{commandId}",
								Map.of("id", device, "commandId", UUID.randomUUID().toString()), Map.of()),
						Endpoint.get("/rejections", Map.of(), Map.of("limit", "5"))));
		assertThat(answers).hasSizeGreaterThan(300);
		assertThat(answers).filteredOn((answer) -> answer.status() >= 500).isEmpty();
	}

	private int port() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

}
