package io.mqlab.recommendation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mqlab.messaging.contract.LocalBrokers;
import io.mqlab.messaging.contract.TcpProxy;
import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.support.Http;
import io.mqlab.support.MalformedRequests;
import io.mqlab.support.MalformedRequests.Endpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint of the recommendation service against a few hundred malformed requests
 * (never a 5xx), and what a client learns when the broker is unreachable: that it is, not
 * the broker's error text. One instance on PostgreSQL, reached through a proxy that the
 * last test cuts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MalformedRecommendationRequestsTests {

	private final String run = "fuzz" + UUID.randomUUID().toString().substring(0, 8);

	private TcpProxy proxy;

	private ServiceInstances instances;

	private ConfigurableApplicationContext context;

	@BeforeAll
	void start() throws IOException {
		TestBroker broker = TestBroker.of("postgres");
		Path dataDir = Files.createTempDirectory("recommendation-" + this.run);
		this.instances = new ServiceInstances(broker, this.run,
				new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS)), dataDir);
		broker.properties(this.run);
		this.proxy = new TcpProxy(LocalBrokers.POSTGRES_PORT);
		this.context = this.instances.start("a", Map.of("mqlab.messaging.postgres.url",
				"jdbc:postgresql://127.0.0.1:" + this.proxy.port() + "/test?currentSchema=" + this.run + "_queue",
				"mqlab.messaging.publish-timeout", "2s"));
	}

	@AfterAll
	void stop() {
		if (this.instances != null) {
			this.instances.close();
		}
		if (this.proxy != null) {
			this.proxy.close();
		}
	}

	@Test
	@Order(1)
	void noMalformedRequestGetsAServerError() throws IOException {
		String click = "{\"userId\":\"u1\",\"sku\":\"SKU-1\",\"type\":\"VIEW\"}";
		List<MalformedRequests.Answer> answers = MalformedRequests.send(port(),
				List.of(Endpoint.get("/recommendations/{userId}", Map.of("userId", "u1"), Map.of("limit", "5")),
						Endpoint.get("/products/{sku}/related", Map.of("sku", "SKU-1"), Map.of("limit", "5")),
						Endpoint.get("/trending", Map.of(), Map.of("window", "5m", "limit", "5")),
						Endpoint.post("/clicks", Map.of(),
								Map.of("userId", "\"u1\"", "sku", "\"SKU-1\"", "type", "\"VIEW\"", "sessionId",
										"\"s1\"", "at", "\"" + Instant.now() + "\"")),
						Endpoint.post("/clicks/batch", Map.of(), Map.of("unused", "1"))));
		assertThat(answers).hasSizeGreaterThan(300);
		assertThat(answers).filteredOn((answer) -> answer.status() >= 500).isEmpty();
		assertThat(new Http(port()).post("/clicks", click).status()).isEqualTo(202);
	}

	@Test
	@Order(2)
	void anUnreachableBrokerIsA503WithoutItsErrorText() {
		this.proxy.cut();
		try {
			Http.Response answer = new Http(port()).post("/clicks",
					"{\"userId\":\"u1\",\"sku\":\"SKU-1\",\"type\":\"VIEW\"}");
			assertThat(answer.status()).isEqualTo(503);
			assertThat(answer.body().get("type").asString()).isEqualTo("urn:mqlab:problem:broker-unavailable");
			assertThat(answer.body().toString()).doesNotContain(this.run)
				.doesNotContain("postgres")
				.doesNotContain("PT2S")
				.doesNotContain("Exception");
		}
		finally {
			this.proxy.restore();
		}
	}

	private int port() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

}
