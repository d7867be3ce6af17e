package io.mqlab.order.order;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Paying orders over real HTTP and a real database, and the payment timeout's handling
 * (run here in process; the platform tests deliver it through each broker): a payment is
 * accepted once, a cancelled order cannot be paid, a second timeout changes nothing, and
 * a payment racing the timeout never lets both win.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=order-service", "spring.profiles.active=postgres",
				"mqlab.messaging.outbox.relay-enabled=false", "mqlab.web.max-body-bytes=16384" })
@Import(TestDatabase.class)
class OrderPaymentTests {

	private static ExecutorService racers;

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	PaymentTimeouts timeouts;

	RestClient http;

	@BeforeAll
	static void setUp() throws Exception {
		OrderApiTests.createSchema();
		racers = Executors.newFixedThreadPool(2);
	}

	@AfterAll
	static void tearDown() {
		racers.shutdownNow();
	}

	@BeforeEach
	void client() {
		this.http = OrderApiTests.client(this.port);
	}

	@Test
	void payingMarksTheOrderPaidOnceAndARetriedPaymentGetsTheSameAnswer() {
		JsonNode order = place();
		String id = order.get("id").asString();
		String body = payment(order, "psp-" + UUID.randomUUID());

		var paid = post("/orders/" + id + "/pay", body);
		assertThat(paid.status()).isEqualTo(200);
		assertThat(paid.body().get("status").asString()).isEqualTo("PAID");
		assertThat(Instant.parse(paid.body().get("paidAt").asString()))
			.isAfterOrEqualTo(Instant.parse(order.get("placedAt").asString()));
		assertThat(paid.body().has("cancelledAt")).isFalse();
		assertThat(get("/orders/" + id).body()).isEqualTo(paid.body());

		var retried = post("/orders/" + id + "/pay", body);
		assertThat(retried.status()).isEqualTo(200);
		assertThat(retried.body()).isEqualTo(paid.body());

		var another = post("/orders/" + id + "/pay", payment(order, "psp-other"));
		assertThat(another.status()).isEqualTo(409);
		assertThat(another.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		assertThat(another.body().get("type").asString()).isEqualTo("urn:mqlab:problem:order-already-paid");

		// the timeout of a paid order changes nothing
		timeout(id);
		assertThat(get("/orders/" + id).body()).isEqualTo(paid.body());
		assertThat(cancellations(id)).isZero();
	}

	@Test
	void aTimedOutOrderIsCancelledOnceAndCannotBePaid() {
		JsonNode order = place();
		String id = order.get("id").asString();
		timeout(id);
		JsonNode cancelled = get("/orders/" + id).body();
		assertThat(cancelled.get("status").asString()).isEqualTo("CANCELLED");
		assertThat(cancelled.has("cancelledAt")).isTrue();
		assertThat(cancellations(id)).isOne();
		JsonNode event = JsonMapper.shared()
			.readTree(this.jdbc.queryForObject(
					"SELECT payload::text FROM mqlab_outbox WHERE topic = 'order.cancelled' AND msg_key = ?",
					String.class, id));
		assertThat(event.get("orderId").asString()).isEqualTo(id);
		assertThat(event.get("reason").asString()).isEqualTo("PAYMENT_TIMEOUT");
		assertThat(Instant.parse(event.get("cancelledAt").asString()))
			.isEqualTo(Instant.parse(cancelled.get("cancelledAt").asString()));

		timeout(id);
		assertThat(cancellations(id)).isOne();
		assertThat(get("/orders/" + id).body()).isEqualTo(cancelled);

		var pay = post("/orders/" + id + "/pay", payment(order, "psp-late"));
		assertThat(pay.status()).isEqualTo(409);
		assertThat(pay.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		assertThat(pay.body().get("type").asString()).isEqualTo("urn:mqlab:problem:order-cancelled");
		assertThat(pay.body().get("orderId").asString()).isEqualTo(id);
		assertThat(get("/orders/" + id).body()).isEqualTo(cancelled);
	}

	@Test
	void aPaymentRacingItsTimeoutNeverLetsBothWin() {
		List<String> ids = new ArrayList<>();
		List<CompletableFuture<Integer>> payments = new ArrayList<>();
		List<CompletableFuture<Void>> timeouts = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			JsonNode order = place();
			String id = order.get("id").asString();
			ids.add(id);
			String body = payment(order, "psp-race-" + i);
			payments.add(CompletableFuture.supplyAsync(() -> post("/orders/" + id + "/pay", body).status(), racers));
			timeouts.add(CompletableFuture.runAsync(() -> timeout(id), racers));
		}
		for (int i = 0; i < ids.size(); i++) {
			int status = payments.get(i).join();
			timeouts.get(i).join();
			String finalStatus = get("/orders/" + ids.get(i)).body().get("status").asString();
			if (status == 200) {
				assertThat(finalStatus).isEqualTo("PAID");
				assertThat(cancellations(ids.get(i))).isZero();
			}
			else {
				assertThat(status).isEqualTo(409);
				assertThat(finalStatus).isEqualTo("CANCELLED");
				assertThat(cancellations(ids.get(i))).isOne();
			}
		}
	}

	@Test
	void unknownOrdersAreNotFound() {
		var response = post("/orders/" + UUID.randomUUID() + "/pay", "{\"amount\": 1.00, \"reference\": \"psp-1\"}");
		assertThat(response.status()).isEqualTo(404);
		assertThat(response.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		assertThat(response.body().get("type").asString()).isEqualTo("urn:mqlab:problem:order-not-found");
		assertThat(post("/orders/not-a-uuid/pay", "{\"amount\": 1.00, \"reference\": \"psp-1\"}").status())
			.isEqualTo(400);
	}

	@Test
	void aPaymentOfAnotherAmountIsRefused() {
		JsonNode order = place();
		String id = order.get("id").asString();
		var response = post("/orders/" + id + "/pay", "{\"amount\": 0.01, \"reference\": \"psp-1\"}");
		assertThat(response.status()).isEqualTo(422);
		assertThat(response.body().get("type").asString()).isEqualTo("urn:mqlab:problem:payment-amount-mismatch");
		assertThat(get("/orders/" + id).body().get("status").asString()).isEqualTo("PLACED");
	}

	static List<Object[]> badPayments() {
		return List.of(new Object[] { "no body", "", "malformed-body", null },
				new Object[] { "malformed JSON", "{\"amount\": ", "malformed-body", null },
				new Object[] { "missing amount", "{\"reference\": \"psp-1\"}", "validation", "amount" },
				new Object[] { "negative amount", "{\"amount\": -1.00, \"reference\": \"psp-1\"}", "validation",
						"amount" },
				new Object[] { "three decimals", "{\"amount\": 1.005, \"reference\": \"psp-1\"}", "validation",
						"amount" },
				new Object[] { "amount not a number", "{\"amount\": \"ten\", \"reference\": \"psp-1\"}",
						"invalid-field", "amount" },
				new Object[] { "missing reference", "{\"amount\": 1.00}", "validation", "reference" },
				new Object[] { "bad reference", "{\"amount\": 1.00, \"reference\": \"a b\"}", "validation",
						"reference" },
				new Object[] { "unknown field", "{\"amount\": 1.00, \"reference\": \"psp-1\", \"card\": \"4242\"}",
						"unknown-field", "card" });
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badPayments")
	void rejectsABadPaymentWithAProblemDetailAndChangesNothing(String name, String body, String type, String field) {
		JsonNode order = place();
		String id = order.get("id").asString();
		var response = post("/orders/" + id + "/pay", body);
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		assertThat(response.body().get("type").asString()).isEqualTo("urn:mqlab:problem:" + type);
		if (field != null) {
			assertThat(response.body().get("errors").valueStream().map((e) -> e.get("field").asString()))
				.contains(field);
		}
		assertThat(get("/orders/" + id).body()).isEqualTo(order);
	}

	/** Handles the order's payment timeout as its delivery would. */
	private void timeout(String id) {
		this.transactions.executeWithoutResult(
				(status) -> this.timeouts.handle(new PaymentTimedOut(UUID.fromString(id), Instant.now())));
	}

	private int cancellations(String id) {
		return this.jdbc.queryForObject(
				"SELECT count(*) FROM mqlab_outbox WHERE topic = 'order.cancelled' AND msg_key = ?", Integer.class, id);
	}

	private JsonNode place() {
		var placed = post("/orders", OrderApiTests.GOOD);
		assertThat(placed.status()).isEqualTo(201);
		return placed.body();
	}

	private static String payment(JsonNode order, String reference) {
		return "{\"amount\": %s, \"reference\": \"%s\"}".formatted(order.get("total").decimalValue().toPlainString(),
				reference);
	}

	private OrderApiTests.Response post(String path, String body) {
		return this.http.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.exchange((request, response) -> OrderApiTests.Response.of(response.getStatusCode().value(),
					String.valueOf(response.getHeaders().getContentType()), response.getBody().readAllBytes()));
	}

	private OrderApiTests.Response get(String path) {
		return this.http.get()
			.uri(path)
			.exchange((request, response) -> OrderApiTests.Response.of(response.getStatusCode().value(),
					String.valueOf(response.getHeaders().getContentType()), response.getBody().readAllBytes()));
	}

}
