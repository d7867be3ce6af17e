package io.mqlab.ordernew.order;

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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint of the rewritten order service against a few hundred malformed requests:
 * each is answered 4xx or 2xx, never 5xx.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=order-service-new", "spring.profiles.active=postgres" })
class MalformedOrderRequestsTests {

	static final String SCHEMA = "order_service_new_it";

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestBrokers.postgresSchema(registry, SCHEMA);
	}

	@LocalServerPort
	int port;

	@Test
	void noMalformedRequestGetsAServerError() throws IOException {
		List<MalformedRequests.Answer> answers = MalformedRequests.send(this.port,
				List.of(Endpoint.get("/orders/{id}", Map.of("id", UUID.randomUUID().toString()), Map.of()),
						Endpoint.get("/orders", Map.of(), Map.of("customerId", "c-1", "limit", "5"))));
		assertThat(answers).hasSizeGreaterThan(100);
		assertThat(answers).filteredOn((answer) -> answer.status() >= 500).isEmpty();
	}

}
