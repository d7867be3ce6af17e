package io.mqlab.platform;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The payment timeout end to end on one backend: the legacy order service sends each
 * order's timeout through its outbox as a delayed message and receives it through the
 * broker. An unpaid order is cancelled once it is due and {@code OrderCancelled} is
 * published once; a paid order is kept; a timeout delivered again, or a second one, has
 * no effect; a timeout pending while the service restarts still arrives. One subclass per
 * backend; the service runs once per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PaymentTimeoutEndToEndTests {

	static final Duration PAYMENT_TIMEOUT = Duration.ofSeconds(3);

	/**
	 * How late after its due time a timeout may cancel: the outbox relay's poll plus the
	 * backends' stated tolerance, on a loaded shared box.
	 */
	static final Duration LATENESS = Duration.ofSeconds(10);

	static final Duration PATIENCE = Duration.ofSeconds(60);

	private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
	};

	private Platform platform;

	private ConfigurableApplicationContext service;

	private Subscription watcher;

	private Http orders;

	/** The {@code OrderCancelled} message ids received, per order id. */
	private final Map<String, Set<UUID>> cancelled = new ConcurrentHashMap<>();

	protected abstract String backend();

	/** Properties that connect the service to the broker. */
	protected abstract Map<String, String> broker();

	/** Removes what this run left on a broker that outlives the test class. */
	protected void removeBrokerState(Platform platform) {
	}

	@BeforeEach
	void startOnce() {
		if (this.platform == null) {
			this.platform = new Platform(backend());
			startService();
		}
	}

	@AfterAll
	void stopPlatform() {
		if (this.platform != null) {
			this.platform.close();
			removeBrokerState(this.platform);
		}
	}

	@Test
	void anUnpaidOrderIsCancelledWhenItsPaymentIsDueAndOrderCancelledIsPublishedOnce() {
		JsonNode order = place();
		String id = order.get("id").asString();
		Instant due = Instant.parse(order.get("placedAt").asString()).plus(PAYMENT_TIMEOUT);
		assertThat(timeoutOf(id).deliverAt()).isEqualTo(Instant.ofEpochMilli(due.toEpochMilli()));

		await().atMost(PATIENCE).untilAsserted(() -> assertThat(status(id)).isEqualTo("CANCELLED"));
		Instant cancelledAt = Instant.parse(this.orders.get("/orders/" + id).body().get("cancelledAt").asString());
		assertThat(cancelledAt).isAfterOrEqualTo(Instant.ofEpochMilli(due.toEpochMilli())).isBefore(due.plus(LATENESS));
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(this.cancelled.get(id)).hasSize(1));
		assertThat(cancellationsInOutbox(id)).isOne();

		Http.Response late = this.orders.post("/orders/" + id + "/pay", payment(order, "psp-late"));
		assertThat(late.status()).isEqualTo(409);
		assertThat(late.body().get("type").asString()).isEqualTo("urn:mqlab:problem:order-cancelled");
	}

	@Test
	void aPaidOrderIsKeptWhenItsTimeoutArrives() {
		JsonNode order = place();
		String id = order.get("id").asString();
		Http.Response paid = this.orders.post("/orders/" + id + "/pay", payment(order, "psp-" + id));
		assertThat(paid.status()).isEqualTo(200);
		assertThat(paid.body().get("status").asString()).isEqualTo("PAID");
		double keptBefore = timeouts("already-paid");

		UUID timeout = timeoutOf(id).id();
		await().atMost(PATIENCE).until(() -> handled(timeout));
		assertThat(this.orders.get("/orders/" + id).body()).isEqualTo(paid.body());
		assertThat(timeouts("already-paid")).isEqualTo(keptBefore + 1);
		assertThat(cancellationsInOutbox(id)).isZero();
		assertThat(this.cancelled).doesNotContainKey(id);
	}

	@Test
	void aTimeoutDeliveredAgainOrTwiceHasNoSecondEffect() {
		JsonNode order = place();
		String id = order.get("id").asString();
		Envelope timeout = timeoutOf(id);
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(this.cancelled.get(id)).hasSize(1));
		JsonNode cancelledOrder = this.orders.get("/orders/" + id).body();
		assertThat(cancelledOrder.get("status").asString()).isEqualTo("CANCELLED");
		double consumed = consumed();
		double ignored = timeouts("already-cancelled");

		// the same message again (the idempotent consumer drops it), and a second timeout
		// for the same order under a new id (the order is no longer PLACED): both due now
		Messaging messaging = this.service.getBean(Messaging.class);
		messaging.publishEnvelope(timeout).join();
		messaging
			.publishEnvelope(new Envelope(UUID.randomUUID(), timeout.topic(), timeout.key(), timeout.type(),
					Instant.now(), timeout.headers(), timeout.payload()))
			.join();
		await().atMost(PATIENCE).until(() -> consumed() >= consumed + 2);

		assertThat(timeouts("already-cancelled")).isEqualTo(ignored + 1);
		assertThat(cancellationsInOutbox(id)).isOne();
		assertThat(this.cancelled.get(id)).hasSize(1);
		assertThat(this.orders.get("/orders/" + id).body()).isEqualTo(cancelledOrder);
	}

	@Test
	void aTimeoutPendingWhileTheServiceRestartsStillCancelsTheOrder() {
		JsonNode order = place();
		String id = order.get("id").asString();
		// relayed: from now on the broker holds it, not the outbox
		await().atMost(PATIENCE)
			.until(() -> jdbc().queryForObject(
					"SELECT sent_at IS NOT NULL FROM mqlab_outbox WHERE topic = ? AND msg_key = ?", Boolean.class,
					this.platform.paymentTimeoutTopic, id));
		this.watcher.stop();
		this.service.close();
		startService();

		await().atMost(PATIENCE).untilAsserted(() -> assertThat(status(id)).isEqualTo("CANCELLED"));
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(this.cancelled.get(id)).hasSize(1));
		assertThat(cancellationsInOutbox(id)).isOne();
	}

	private void startService() {
		this.service = this.platform.orderService(broker(),
				Map.of("mqlab.orders.payment-timeout", PAYMENT_TIMEOUT.toMillis() + "ms"));
		this.orders = new Http(Platform.port(this.service));
		Messaging messaging = this.service.getBean(Messaging.class);
		messaging.provision(this.platform.cancelledTopic, Platform.CANCELLED_WATCHER);
		this.watcher = messaging.subscribe(this.platform.cancelledTopic, Platform.CANCELLED_WATCHER, JsonNode.class,
				(event, context) -> this.cancelled
					.computeIfAbsent(event.get("orderId").asString(), (key) -> ConcurrentHashMap.newKeySet())
					.add(context.envelope().id()));
	}

	private JsonNode place() {
		Http.Response placed = this.orders.post("/orders", MigrationEndToEndTests.PLAIN);
		assertThat(placed.status()).isEqualTo(201);
		return placed.body();
	}

	private String status(String id) {
		return this.orders.get("/orders/" + id).body().get("status").asString();
	}

	private static String payment(JsonNode order, String reference) {
		return "{\"amount\": %s, \"reference\": \"%s\"}".formatted(order.get("total").decimalValue().toPlainString(),
				reference);
	}

	/** The order's timeout as the outbox wrote it (and relays it). */
	private Envelope timeoutOf(String id) {
		return jdbc().queryForObject("""
				SELECT message_id, topic, msg_key, type, headers::text AS headers, payload, created_at
				FROM mqlab_outbox WHERE topic = ? AND msg_key = ?
				""",
				(rs, row) -> new Envelope(rs.getObject("message_id", UUID.class), rs.getString("topic"),
						rs.getString("msg_key"), rs.getString("type"), rs.getTimestamp("created_at").toInstant(),
						JsonMapper.shared().readValue(rs.getString("headers"), HEADERS), rs.getString("payload")),
				this.platform.paymentTimeoutTopic, id);
	}

	private boolean handled(UUID messageId) {
		return jdbc().queryForObject(
				"SELECT count(*) FROM mqlab_processed_message WHERE group_name = 'order-service' AND message_id = ?",
				Integer.class, messageId) == 1;
	}

	private int cancellationsInOutbox(String id) {
		return jdbc().queryForObject("SELECT count(*) FROM mqlab_outbox WHERE topic = ? AND msg_key = ?", Integer.class,
				this.platform.cancelledTopic, id);
	}

	private double timeouts(String outcome) {
		Counter counter = meters().find("mqlab.orders.payment.timeouts").tag("outcome", outcome).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private double consumed() {
		return meters().find("mqlab.messages.consumed")
			.tag("topic", this.platform.paymentTimeoutTopic)
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

	private JdbcTemplate jdbc() {
		return this.service.getBean(JdbcTemplate.class);
	}

	private MeterRegistry meters() {
		return this.service.getBean(MeterRegistry.class);
	}

}
