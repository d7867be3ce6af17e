package io.mqlab.ordernew.order;

import java.io.IOException;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mqlab.support.MalformedRequests;
import io.mqlab.support.MalformedRequests.Endpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint of the rewritten order service against a few hundred malformed requests:
 * each is answered 4xx or 2xx, never 5xx.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=order-service-new", "spring.profiles.active=postgres",
				"spring.datasource.url=" + MalformedOrderRequestsTests.DB_URL,
				"mqlab.messaging.postgres.url=" + MalformedOrderRequestsTests.DB_URL })
class MalformedOrderRequestsTests {

	static final String DB_URL = "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=order_service_new_it";

	@LocalServerPort
	int port;

	@BeforeAll
	static void createSchema() throws Exception {
		try (var connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "")) {
			connection.createStatement().execute("CREATE SCHEMA IF NOT EXISTS order_service_new_it");
		}
	}

	@Test
	void noMalformedRequestGetsAServerError() throws IOException {
		List<MalformedRequests.Answer> answers = MalformedRequests.send(this.port,
				List.of(Endpoint.get("/orders/{id}", Map.of("id", UUID.randomUUID().toString()), Map.of()),
						Endpoint.get("/orders", Map.of(), Map.of("customerId", "c-1", "limit", "5"))));
		assertThat(answers).hasSizeGreaterThan(100);
		assertThat(answers).filteredOn((answer) -> answer.status() >= 500).isEmpty();
	}

}
