package io.mqlab.platform;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.contract.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The migration use case end to end on one backend: orders posted to the legacy service
 * are priced by both services, and reconciliation reports exactly the deliberate
 * differences. One subclass per backend.
 */
abstract class MigrationEndToEndTests {

	static final Duration PATIENCE = Duration.ofSeconds(90);

	/** Matches on both sides. */
	static final String PLAIN = order("DE", "WELCOME10", "BOOK-1", 2, "12.50");

	/** Matches on both sides. */
	static final String PLAIN_US = order("US", null, "MUG-1", 3, "8.00");

	/** Coupon + bulk: legacy adds the percentages, the rewrite chains them. */
	static final String TWO_DISCOUNTS = order("FR", "WELCOME10", "PEN-1", 10, "12.00");

	/** Tax 0.285: legacy rounds HALF_UP, the rewrite HALF_EVEN. */
	static final String HALF_CENT_TAX = order("DE", null, "GUM-1", 1, "1.50");

	/**
	 * 105.00 - 10 %: legacy ships free from the subtotal, the rewrite from the discounted
	 * amount.
	 */
	static final String FREE_SHIPPING_EDGE = order("DE", "WELCOME10", "LAMP-1", 1, "105.00");

	private Platform platform;

	protected abstract String backend();

	/** Properties that connect a service to the broker. */
	protected Map<String, String> broker(Platform platform) {
		return brokerVia(brokerPort(), platform);
	}

	/** The broker's port, for a proxy that can cut it off. */
	protected abstract int brokerPort();

	/** A proxy in front of the broker that the test can cut. */
	protected TcpProxy newProxy() {
		return new TcpProxy(brokerPort());
	}

	/** Properties that connect a service to the broker through a proxy on this port. */
	protected abstract Map<String, String> brokerVia(int proxyPort, Platform platform);

	@AfterEach
	void stopPlatform() {
		if (this.platform != null) {
			this.platform.close();
			removeBrokerState(this.platform);
		}
	}

	/** Removes what this run left on a broker that outlives the test JVM. */
	protected void removeBrokerState(Platform platform) {
	}

	@Test
	void reconciliationReportsExactlyTheDeliberateDifferences() {
		this.platform = new Platform(backend());
		ConfigurableApplicationContext recon = this.platform.reconciliationService(broker(this.platform));
		ConfigurableApplicationContext rewriteContext = this.platform.orderServiceNew(broker(this.platform));
		ConfigurableApplicationContext legacy = this.platform.orderService(broker(this.platform));
		Http orders = new Http(Platform.port(legacy));
		Http reconciliation = new Http(Platform.port(recon));
		Map<String, String> ids = new LinkedHashMap<>();
		Map.of("plain", PLAIN, "plainUs", PLAIN_US, "twoDiscounts", TWO_DISCOUNTS, "halfCentTax", HALF_CENT_TAX,
				"freeShippingEdge", FREE_SHIPPING_EDGE)
			.forEach((name, body) -> {
				Http.Response placed = orders.post("/orders", body);
				assertThat(placed.status()).as(name).isEqualTo(201);
				ids.put(name, placed.body().get("id").asString());
			});
		// One event only the legacy side has, one only the rewrite has: both go missing.
		Messaging messaging = recon.getBean(Messaging.class);
		UUID onlyLegacy = UUID.randomUUID();
		UUID onlyNew = UUID.randomUUID();
		messaging.publish(this.platform.orderTopic, onlyLegacy.toString(), orderPlaced(onlyLegacy));
		messaging.publish(this.platform.newOrderTopic, onlyNew.toString(), orderPlaced(onlyNew));

		await().atMost(PATIENCE).untilAsserted(() -> {
			JsonNode summary = reconciliation.get("/reconciliation/summary").body();
			assertThat(summary.get("total").asLong()).isEqualTo(7);
			assertThat(summary.get("matched").asLong()).isEqualTo(2);
			assertThat(summary.get("mismatched").asLong()).isEqualTo(3);
			assertThat(summary.get("missingInLegacy").asLong()).isEqualTo(1);
			assertThat(summary.get("missingInNew").asLong()).isEqualTo(1);
			assertThat(summary.get("pending").asLong()).isZero();
		});
		JsonNode summary = reconciliation.get("/reconciliation/summary").body();
		assertThat(summary.get("matchRate").asDouble()).isEqualTo(0.2857);
		assertThat(summary.get("fields").propertyNames()).containsExactlyInAnyOrder("total", "tax", "discount",
				"shipping");
		assertThat(summary.get("fields").get("total").asLong()).isEqualTo(3);
		assertThat(summary.get("fields").get("tax").asLong()).isEqualTo(2);
		assertThat(summary.get("fields").get("discount").asLong()).isEqualTo(1);
		assertThat(summary.get("fields").get("shipping").asLong()).isEqualTo(1);

		assertThat(diffs(reconciliation, ids.get("twoDiscounts"))).containsExactly("discount 18.00 17.40",
				"tax 20.40 20.52", "total 122.40 123.12");
		assertThat(diffs(reconciliation, ids.get("halfCentTax"))).containsExactly("tax 0.29 0.28", "total 6.69 6.68");
		assertThat(diffs(reconciliation, ids.get("freeShippingEdge"))).containsExactly("shipping 0.00 4.90",
				"total 112.46 117.36");
		assertThat(reconciliation.get("/reconciliation/orders/" + ids.get("plain")).body().get("status").asString())
			.isEqualTo("MATCHED");
		assertThat(reconciliation.get("/reconciliation/mismatches?field=tax").body().get("total").asLong())
			.isEqualTo(2);
		assertThat(reconciliation.page("/")).startsWith("200 text/html")
			.contains("reconciliation/summary")
			.contains("Mismatch rate per field");

		// The rewrite's API answers with the same order id and shape as the legacy one.
		Http rewrite = new Http(Platform.port(rewriteContext));
		JsonNode legacyOrder = orders.get("/orders/" + ids.get("twoDiscounts")).body();
		JsonNode newOrder = rewrite.get("/orders/" + ids.get("twoDiscounts")).body();
		assertThat(newOrder.propertyNames()).containsExactlyElementsOf(legacyOrder.propertyNames());
		assertThat(newOrder.get("id")).isEqualTo(legacyOrder.get("id"));

		// A late arrival: the missing rewrite side comes after the grace period.
		messaging.publish(this.platform.newOrderTopic, onlyLegacy.toString(), orderPlaced(onlyLegacy));
		await().atMost(PATIENCE).untilAsserted(() -> {
			JsonNode after = reconciliation.get("/reconciliation/summary").body();
			assertThat(after.get("late").asLong()).isEqualTo(1);
			assertThat(after.get("matched").asLong()).isEqualTo(3);
			assertThat(after.get("missingInNew").asLong()).isZero();
		});

		// Redelivered events never count twice: the same envelope again, and the same
		// event
		// under a new message id.
		JdbcTemplate jdbc = recon.getBean(JdbcTemplate.class);
		Map<String, Object> event = jdbc.queryForMap(
				"SELECT message_id, payload::text AS payload FROM order_event WHERE order_id = ?::uuid AND side = 'LEGACY'",
				ids.get("twoDiscounts"));
		JsonNode before = reconciliation.get("/reconciliation/summary").body();
		MeterRegistry meters = recon.getBean(MeterRegistry.class);
		double consumed = consumed(meters);
		Envelope again = new Envelope((UUID) event.get("message_id"), this.platform.orderTopic, ids.get("twoDiscounts"),
				"OrderPlaced", Instant.now(), Map.of(), (String) event.get("payload"));
		messaging.publishEnvelope(again).join();
		messaging
			.publishEnvelope(new Envelope(UUID.randomUUID(), again.topic(), again.key(), again.type(), Instant.now(),
					Map.of(), again.payload()))
			.join();
		await().atMost(PATIENCE).until(() -> consumed(meters) >= consumed + 2);
		assertThat(reconciliation.get("/reconciliation/summary").body()).isEqualTo(before);
	}

	@Test
	void ordersAreAcceptedWhileTheBrokerIsDownAndArriveOnceItIsBack() {
		this.platform = new Platform(backend());
		ConfigurableApplicationContext recon = this.platform.reconciliationService(broker(this.platform));
		this.platform.orderServiceNew(broker(this.platform));
		TcpProxy proxy = newProxy();
		try {
			ConfigurableApplicationContext legacy = this.platform.orderService(brokerVia(proxy.port(), this.platform));
			Http orders = new Http(Platform.port(legacy));
			Http reconciliation = new Http(Platform.port(recon));
			proxy.cut();
			List<String> ids = List.of(PLAIN, PLAIN_US, HALF_CENT_TAX)
				.stream()
				.map((body) -> orders.post("/orders", body))
				.peek((placed) -> assertThat(placed.status()).isEqualTo(201))
				.map((placed) -> placed.body().get("id").asString())
				.toList();
			for (String id : ids) {
				assertThat(orders.get("/orders/" + id).status()).isEqualTo(200);
			}
			JdbcTemplate legacyDb = legacy.getBean(JdbcTemplate.class);
			// per order: OrderPlaced, the mirrored request and the delayed payment
			// timeout
			assertThat(
					legacyDb.queryForObject("SELECT count(*) FROM mqlab_outbox WHERE sent_at IS NULL", Integer.class))
				.isEqualTo(9);
			assertThat(reconciliation.get("/reconciliation/summary").body().get("total").asLong()).isZero();
			proxy.restore();
			await().atMost(PATIENCE).untilAsserted(() -> {
				JsonNode summary = reconciliation.get("/reconciliation/summary").body();
				assertThat(summary.get("matched").asLong()).isEqualTo(2);
				assertThat(summary.get("mismatched").asLong()).isEqualTo(1);
			});
			JdbcTemplate reconDb = recon.getBean(JdbcTemplate.class);
			assertThat(reconDb.queryForObject("SELECT count(*) FROM order_event", Integer.class)).isEqualTo(6);
			assertThat(reconDb.queryForObject("SELECT count(*) FROM mqlab_processed_message", Integer.class))
				.isEqualTo(6);
			assertThat(
					legacyDb.queryForObject("SELECT count(*) FROM mqlab_outbox WHERE sent_at IS NULL", Integer.class))
				.isZero();
		}
		finally {
			proxy.close();
		}
	}

	private static double consumed(MeterRegistry meters) {
		return meters.find("mqlab.messages.consumed").counters().stream().mapToDouble((c) -> c.count()).sum();
	}

	private static List<String> diffs(Http reconciliation, String orderId) {
		JsonNode order = reconciliation.get("/reconciliation/orders/" + orderId).body();
		assertThat(order.get("status").asString()).isEqualTo("MISMATCHED");
		return order.get("diffs")
			.valueStream()
			.map((d) -> d.get("field").asString() + " " + d.get("legacy").asString() + " "
					+ d.get("rewrite").asString())
			.toList();
	}

	private static Map<String, Object> orderPlaced(UUID id) {
		return Map.of("orderId", id.toString(), "customerId", "c-direct", "currency", "EUR", "total", 10.00);
	}

	static String order(String country, String coupon, String sku, int quantity, String unitPrice) {
		return """
				{"customerId": "c-e2e", "currency": "EUR", "shippingCountry": "%s", %s
				 "items": [{"sku": "%s", "quantity": %d, "unitPrice": %s}]}
				""".formatted(country, (coupon != null) ? "\"couponCode\": \"" + coupon + "\"," : "", sku, quantity,
				unitPrice);
	}

}
