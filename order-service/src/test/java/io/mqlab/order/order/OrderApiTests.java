package io.mqlab.order.order;

import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mqlab.messaging.MessageHeaders;
import io.mqlab.messaging.contract.TestBrokers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order API over real HTTP, a real database and the outbox: good orders are priced,
 * saved and published; bad ones get a problem detail naming the field and publish
 * nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=order-service", "spring.profiles.active=postgres",
				"mqlab.messaging.outbox.relay-enabled=false", "mqlab.web.max-body-bytes=16384" })
@Import(TestDatabase.class)
class OrderApiTests {

	static final String GOOD = """
			{"customerId": "c-42", "currency": "EUR", "shippingCountry": "DE", "couponCode": "WELCOME10",
			 "items": [{"sku": "BOOK-1", "quantity": 2, "unitPrice": 12.50}]}
			""";

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	RestClient http;

	@BeforeAll
	static void createSchema() throws Exception {
		TestBrokers.Broker postgres = TestBrokers.postgres();
		try (var connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(),
				postgres.password())) {
			connection.createStatement().execute("CREATE SCHEMA IF NOT EXISTS " + TestDatabase.SCHEMA);
		}
	}

	@BeforeEach
	void client() {
		this.http = client(this.port);
	}

	/**
	 * A client that hands back error answers instead of throwing, so tests assert them.
	 */
	static RestClient client(int port) {
		return RestClient.builder()
			.baseUrl("http://127.0.0.1:" + port)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
	}

	@Test
	void placesPricesSavesAndPublishesAnOrder() {
		long outboxBefore = outboxRows();
		var response = post(GOOD, null);
		assertThat(response.status()).isEqualTo(201);
		JsonNode order = response.body();
		assertThat(order.get("subtotal").decimalValue()).isEqualByComparingTo("25.00");
		assertThat(order.get("discount").decimalValue()).isEqualByComparingTo("2.50");
		assertThat(order.get("tax").decimalValue()).isEqualByComparingTo("4.28");
		assertThat(order.get("shipping").decimalValue()).isEqualByComparingTo("4.90");
		assertThat(order.get("total").decimalValue()).isEqualByComparingTo("31.68");
		assertThat(order.get("status").asString()).isEqualTo("PLACED");
		String id = order.get("id").asString();
		assertThat(outboxRows()).isEqualTo(outboxBefore + 3);
		assertThat(this.jdbc.queryForList("SELECT topic FROM mqlab_outbox WHERE msg_key = ?", String.class, id))
			.containsExactlyInAnyOrder("ORDER", "order.requests", "order.payment-timeouts");
		Map<String, Object> timeout = this.jdbc.queryForMap(
				"SELECT payload::text AS payload, (headers ->> ?)::bigint AS due FROM mqlab_outbox WHERE msg_key = ? AND topic = 'order.payment-timeouts'",
				MessageHeaders.DELIVER_AT, id);
		Instant due = Instant.parse(order.get("placedAt").asString()).plus(Duration.ofMinutes(15));
		assertThat(timeout.get("due")).isEqualTo(due.toEpochMilli());
		assertThat(Instant.parse(JsonMapper.shared().readTree((String) timeout.get("payload")).get("dueAt").asString()))
			.isEqualTo(due);
		assertThat(order.has("paidAt")).isFalse();
		assertThat(order.has("cancelledAt")).isFalse();
		JsonNode fetched = get("/orders/" + id).body();
		assertThat(fetched).isEqualTo(order);
		JsonNode byCustomer = get("/orders?customerId=c-42").body();
		assertThat(byCustomer.valueStream().map((o) -> o.get("id").asString())).contains(id);
	}

	@Test
	void aRetriedPostWithTheSameIdempotencyKeyReturnsTheFirstOrder() {
		String key = "retry-" + UUID.randomUUID();
		var first = post(GOOD, key);
		var second = post(GOOD, key);
		assertThat(first.status()).isEqualTo(201);
		assertThat(second.status()).isEqualTo(200);
		assertThat(second.body().get("id")).isEqualTo(first.body().get("id"));
		assertThat(
				this.jdbc.queryForObject("SELECT count(*) FROM orders WHERE idempotency_key = ?", Integer.class, key))
			.isEqualTo(1);
		var reused = post(GOOD.replace("c-42", "c-43"), key);
		assertThat(reused.status()).isEqualTo(422);
		assertThat(reused.body().get("type").asString()).isEqualTo("urn:mqlab:problem:idempotency-key-reused");
	}

	static List<Object[]> badRequests() {
		String items51 = "["
				+ String.join(",",
						java.util.Collections.nCopies(51, "{\"sku\": \"A-1\", \"quantity\": 1, \"unitPrice\": 1.00}"))
				+ "]";
		return List.of(new Object[] { "malformed JSON", "{\"customerId\": ", 400, "malformed-body", null },
				new Object[] { "missing customerId", GOOD.replace("\"customerId\": \"c-42\",", ""), 400, "validation",
						"customerId" },
				new Object[] { "unknown field", GOOD.replace("\"currency\"", "\"colour\": \"red\", \"currency\""), 400,
						"unknown-field", "colour" },
				new Object[] { "zero quantity", GOOD.replace("\"quantity\": 2", "\"quantity\": 0"), 400, "validation",
						"items[0].quantity" },
				new Object[] { "negative price", GOOD.replace("12.50", "-1.00"), 400, "validation",
						"items[0].unitPrice" },
				new Object[] { "quantity not a number", GOOD.replace("\"quantity\": 2", "\"quantity\": \"two\""), 400,
						"invalid-field", "items[0].quantity" },
				new Object[] { "unknown currency", GOOD.replace("EUR", "XXX"), 400, "validation", "currency" },
				new Object[] { "unknown country", GOOD.replace("\"DE\"", "\"ZZ\""), 400, "validation",
						"shippingCountry" },
				new Object[] { "unknown coupon", GOOD.replace("WELCOME10", "FREEMONEY"), 400, "validation",
						"couponCode" },
				new Object[] { "no items", GOOD.replaceAll("\\[.*\\]", "[]"), 400, "validation", "items" },
				new Object[] { "too many items", GOOD.replaceAll("\\[.*\\]", items51), 400, "validation", "items" },
				new Object[] { "body over the limit", GOOD.replace("c-42", "c-42\", \"pad\": \"" + "x".repeat(20_000)),
						413, "body-too-large", null });
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badRequests")
	void rejectsBadInputWithAProblemDetailAndPublishesNothing(String name, String body, int status, String type,
			String field) {
		long outboxBefore = outboxRows();
		long ordersBefore = this.jdbc.queryForObject("SELECT count(*) FROM orders", Long.class);
		var response = post(body, null);
		assertThat(response.status()).isEqualTo(status);
		assertThat(response.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		assertThat(response.body().get("type").asString()).isEqualTo("urn:mqlab:problem:" + type);
		assertThat(response.body().get("status").asInt()).isEqualTo(status);
		if (field != null) {
			assertThat(response.body().get("errors").valueStream().map((e) -> e.get("field").asString()))
				.contains(field);
		}
		assertThat(response.body().has("trace")).isFalse();
		assertThat(outboxRows()).isEqualTo(outboxBefore);
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM orders", Long.class)).isEqualTo(ordersBefore);
	}

	@Test
	void unknownOrdersAreNotFoundAndBadIdsAreBadRequests() {
		var missing = get("/orders/" + UUID.randomUUID());
		assertThat(missing.status()).isEqualTo(404);
		assertThat(missing.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		assertThat(get("/orders/not-a-uuid").status()).isEqualTo(400);
		assertThat(get("/orders").status()).isEqualTo(400);
	}

	@Test
	void exposesOnlyHealthInfoAndPrometheus() {
		assertThat(get("/actuator/health").status()).isEqualTo(200);
		assertThat(get("/actuator/prometheus").status()).isEqualTo(200);
		assertThat(get("/actuator/env").status()).isEqualTo(404);
		assertThat(get("/v3/api-docs").body().get("paths").has("/orders")).isTrue();
	}

	private long outboxRows() {
		return this.jdbc.queryForObject("SELECT count(*) FROM mqlab_outbox", Long.class);
	}

	private Response post(String body, String idempotencyKey) {
		return this.http.post().uri("/orders").contentType(MediaType.APPLICATION_JSON).headers((headers) -> {
			if (idempotencyKey != null) {
				headers.set("Idempotency-Key", idempotencyKey);
			}
		})
			.body(body)
			.exchange((request, response) -> Response.of(response.getStatusCode().value(),
					String.valueOf(response.getHeaders().getContentType()), response.getBody().readAllBytes()));
	}

	private Response get(String path) {
		return this.http.get()
			.uri(path)
			.exchange((request, response) -> Response.of(response.getStatusCode().value(),
					String.valueOf(response.getHeaders().getContentType()), response.getBody().readAllBytes()));
	}

	record Response(int status, String contentType, JsonNode body) {

		static Response of(int status, String contentType, byte[] body) {
			JsonNode json = (body.length == 0 || !contentType.contains("json")) ? JsonMapper.shared().createObjectNode()
					: JsonMapper.shared().readTree(body);
			return new Response(status, contentType, json);
		}

	}

}
