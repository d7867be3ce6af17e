package io.mqlab.reconciliation.report;

import io.mqlab.messaging.contract.TestBrokers;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mqlab.support.MalformedRequests;
import io.mqlab.support.MalformedRequests.Endpoint;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint of the reconciliation service against a few hundred malformed requests
 * (never a 5xx), and the mismatch list's cap on how deep a page may go.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=reconciliation-service", "spring.profiles.active=postgres" })
class MalformedReconciliationRequestsTests {

	static final String SCHEMA = "reconciliation_it";

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestBrokers.postgresSchema(registry, SCHEMA);
	}

	@LocalServerPort
	int port;

	@Test
	void noMalformedRequestGetsAServerError() throws IOException {
		List<MalformedRequests.Answer> answers = MalformedRequests
			.send(this.port, List.of(Endpoint.get("/reconciliation/summary", Map.of(), Map.of()),
					Endpoint.get("/reconciliation/mismatches", Map.of(),
							Map.of("field", "tax", "page", "1", "size", "20")),
					Endpoint.get("/reconciliation/orders/{id}", Map.of("id", UUID.randomUUID().toString()), Map.of())));
		assertThat(answers).hasSizeGreaterThan(120);
		assertThat(answers).filteredOn((answer) -> answer.status() >= 500).isEmpty();
	}

	@Test
	void pagesNoDeeperThanTheOffsetCap() {
		RestClient http = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
		assertThat(status(http, "/reconciliation/mismatches?page=50&size=200")).isEqualTo(200);
		assertThat(status(http, "/reconciliation/mismatches?page=51&size=200")).isEqualTo(400);
		assertThat(status(http, "/reconciliation/mismatches?page=10000&size=1")).isEqualTo(200);
		assertThat(status(http, "/reconciliation/mismatches?page=100000&size=20")).isEqualTo(400);
		assertThat(http.get().uri("/reconciliation/mismatches?page=5000&size=3").retrieve().body(String.class))
			.contains("\"field\":\"page\"")
			.contains("at most 10000");
	}

	private static int status(RestClient http, String uri) {
		return http.get().uri(uri).retrieve().toBodilessEntity().getStatusCode().value();
	}

}
