package io.mqlab.order.order;

import java.io.IOException;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mqlab.support.MalformedRequests;
import io.mqlab.support.MalformedRequests.Endpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint of the order service against a few hundred malformed requests: each is
 * answered 4xx or 2xx, never 5xx. Also checks the DataSource's server-side timeouts.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=order-service", "spring.profiles.active=postgres",
				"mqlab.messaging.outbox.relay-enabled=false", "mqlab.web.max-body-bytes=16384" })
@Import(TestDatabase.class)
class MalformedOrderRequestsTests {

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@BeforeAll
	static void createSchema() throws Exception {
		OrderApiTests.createSchema();
	}

	@Test
	void noMalformedRequestGetsAServerError() throws IOException {
		String id = UUID.randomUUID().toString();
		String order = """
				[{"sku": "BOOK-1", "quantity": 2, "unitPrice": 12.50}]""";
		List<MalformedRequests.Answer> answers = MalformedRequests.send(this.port, List.of(
				Endpoint.post("/orders", Map.of(),
						Map.of("customerId", "\"c-1\"", "currency", "\"EUR\"", "shippingCountry", "\"DE\"",
								"couponCode", "\"WELCOME10\"", "items", order)),
				Endpoint.get("/orders/{id}", Map.of("id", id), Map.of()),
				Endpoint.post("/orders/{id}/pay", Map.of("id", id),
						Map.of("amount", "25.00", "reference", "\"pay-1\"")),
				Endpoint.get("/orders", Map.of(), Map.of("customerId", "c-1", "limit", "5"))));
		assertThat(answers).hasSizeGreaterThan(300);
		assertThat(answers).filteredOn((answer) -> answer.status() >= 500).isEmpty();
	}

	@Test
	void connectionsCarryStatementIdleInTransactionAndSocketTimeouts() {
		assertThat(this.jdbc.queryForObject("SHOW statement_timeout", String.class)).isEqualTo("30s");
		assertThat(this.jdbc.queryForObject("SHOW idle_in_transaction_session_timeout", String.class))
			.isEqualTo("1min");
		assertThat(this.jdbc.execute((ConnectionCallback<Integer>) Connection::getNetworkTimeout)).isEqualTo(60_000);
	}

}
