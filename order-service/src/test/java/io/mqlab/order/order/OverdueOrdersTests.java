package io.mqlab.order.order;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.mqlab.messaging.contract.TestBrokers;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The overdue sweep as the safety net under lost payment timeouts: with the outbox relay
 * off, no timeout message ever leaves, yet an unpaid order is cancelled once its timeout
 * and the grace have passed (and not before), with {@code OrderCancelled} in the outbox;
 * a paid order is left alone. A schema of its own: the sweep would cancel other tests'
 * orders.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=order-service", "spring.profiles.active=postgres",
				"mqlab.messaging.outbox.relay-enabled=false", "mqlab.orders.payment-timeout=2s",
				"mqlab.orders.overdue-grace=1s", "mqlab.orders.overdue-sweep=300ms" })
@DirtiesContext
class OverdueOrdersTests {

	static final String SCHEMA = "order_service_overdue_it";

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestBrokers.postgresSchema(registry, SCHEMA);
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void cancelsAnOrderWhosePaymentTimeoutNeverCameAndLeavesAPaidOneAlone() {
		RestClient http = OrderApiTests.client(this.port);
		JsonNode unpaid = place(http);
		JsonNode paid = place(http);
		String paidId = paid.get("id").asString();
		JsonNode payment = http.post()
			.uri("/orders/" + paidId + "/pay")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"amount\": " + paid.get("total").decimalValue() + ", \"reference\": \"psp-" + UUID.randomUUID()
					+ "\"}")
			.retrieve()
			.body(JsonNode.class);
		assertThat(payment.get("status").asString()).isEqualTo("PAID");

		String id = unpaid.get("id").asString();
		JsonNode cancelled = await().atMost(Duration.ofSeconds(60))
			.until(() -> http.get().uri("/orders/" + id).retrieve().body(JsonNode.class),
					(order) -> "CANCELLED".equals(order.get("status").asString()));
		Instant placedAt = Instant.parse(unpaid.get("placedAt").asString());
		assertThat(Instant.parse(cancelled.get("cancelledAt").asString()))
			.isAfterOrEqualTo(placedAt.plus(Duration.ofSeconds(3)));
		assertThat(this.jdbc.queryForObject(
				"SELECT count(*) FROM mqlab_outbox WHERE msg_key = ? AND topic = 'order.cancelled'", Integer.class, id))
			.isEqualTo(1);
		// never sent, so the sweep, not a timeout message, cancelled it
		assertThat(this.jdbc.queryForObject(
				"SELECT count(*) FROM mqlab_outbox WHERE msg_key = ? AND topic = 'order.payment-timeouts'",
				Integer.class, id))
			.isEqualTo(1);

		assertThat(http.get().uri("/orders/" + paidId).retrieve().body(JsonNode.class).get("status").asString())
			.isEqualTo("PAID");
		assertThat(this.jdbc.queryForObject(
				"SELECT count(*) FROM mqlab_outbox WHERE msg_key = ? AND topic = 'order.cancelled'", Integer.class,
				paidId))
			.isZero();
	}

	private static JsonNode place(RestClient http) {
		return http.post()
			.uri("/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body(OrderApiTests.GOOD)
			.retrieve()
			.body(JsonNode.class);
	}

}
