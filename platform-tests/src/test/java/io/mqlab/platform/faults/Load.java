package io.mqlab.platform.faults;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import tools.jackson.databind.JsonNode;

/**
 * The steady load: orders placed at a fixed rate (every other one paid at once, the rest
 * left to the payment timeout) and clicks in small batches. It behaves like a careful
 * client: an order or a payment that got no answer (service killed, restarting) is
 * retried with the same idempotency key or payment reference until it gets one, so every
 * order it meant to place is placed exactly once and it knows which were paid.
 */
final class Load implements AutoCloseable {

	private static final String[] BODIES = { order("DE", "WELCOME10", "BOOK-1", 2, "12.50"),
			order("US", null, "MUG-1", 3, "8.00"), order("FR", "WELCOME10", "PEN-1", 10, "12.00"),
			order("DE", null, "GUM-1", 1, "1.50"), order("DE", "WELCOME10", "LAMP-1", 1, "105.00") };

	private final Client client = new Client();

	private final RunNames names;

	private final IntSupplier orderPort;

	private final IntSupplier clickPort;

	private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();

	private final ExecutorService workers = Executors.newFixedThreadPool(8);

	private final AtomicLong sequence = new AtomicLong();

	private final Queue<PendingOrder> pendingOrders = new ConcurrentLinkedQueue<>();

	private final Queue<Order> pendingPayments = new ConcurrentLinkedQueue<>();

	/** Accepted orders by id. */
	final Map<String, Order> orders = new ConcurrentHashMap<>();

	/** Orders whose payment was answered 200. */
	final Set<String> paid = ConcurrentHashMap.newKeySet();

	/** Clicks answered 202, by id. */
	final Set<String> clicks = ConcurrentHashMap.newKeySet();

	final AtomicInteger orderRetries = new AtomicInteger();

	final AtomicInteger paymentRetries = new AtomicInteger();

	final AtomicInteger clicksRefused = new AtomicInteger();

	/** Answers no careful client expects (4xx other than a cancelled order's 409). */
	final Queue<String> unexpected = new ConcurrentLinkedQueue<>();

	Load(RunNames names, IntSupplier orderPort, IntSupplier clickPort) {
		this.names = names;
		this.orderPort = orderPort;
		this.clickPort = clickPort;
	}

	void start(int ordersPerSecond, int clicksPerSecond) {
		this.ticker.scheduleAtFixedRate(() -> this.workers.execute(this::placeNewOrder), 0, 1_000_000 / ordersPerSecond,
				TimeUnit.MICROSECONDS);
		int perBatch = Math.max(1, clicksPerSecond / 10);
		this.ticker.scheduleAtFixedRate(() -> this.workers.execute(() -> click(perBatch)), 50, 100,
				TimeUnit.MILLISECONDS);
		this.ticker.scheduleAtFixedRate(() -> this.workers.execute(this::retryPending), 500, 500,
				TimeUnit.MILLISECONDS);
	}

	/**
	 * No new orders or clicks; what is pending is still retried by
	 * {@link #retryPending()}.
	 */
	void stop() {
		this.ticker.shutdownNow();
		// a request cut short goes to the pending ones; a task not started yet sent
		// nothing
		this.workers.shutdownNow();
		try {
			this.workers.awaitTermination(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Retries what got no answer yet, oldest first; a round ends at the first retry that
	 * gets no answer either (the service is still down).
	 * @return whether nothing is pending any more
	 */
	synchronized boolean retryPending() {
		for (int i = this.pendingOrders.size(); i > 0; i--) {
			PendingOrder order = this.pendingOrders.poll();
			if (order == null) {
				break;
			}
			this.orderRetries.incrementAndGet();
			if (!place(order)) {
				break;
			}
		}
		for (int i = this.pendingPayments.size(); i > 0; i--) {
			Order order = this.pendingPayments.poll();
			if (order == null) {
				break;
			}
			this.paymentRetries.incrementAndGet();
			if (!pay(order)) {
				break;
			}
		}
		return this.pendingOrders.isEmpty() && this.pendingPayments.isEmpty();
	}

	private void placeNewOrder() {
		long n = this.sequence.incrementAndGet();
		place(new PendingOrder(this.names.run + "-order-" + n, BODIES[(int) (n % BODIES.length)], n % 2 == 0));
	}

	/**
	 * @return whether it got an answer
	 */
	private boolean place(PendingOrder pending) {
		try {
			Client.Response response = this.client.post(this.orderPort.getAsInt(), "/orders", pending.body(),
					pending.key());
			if (response.status() == 201 || response.status() == 200) {
				JsonNode body = response.body();
				Order order = new Order(body.get("id").asString(), new BigDecimal(body.get("total").asString()),
						Instant.parse(body.get("placedAt").asString()), pending.pay(), pending.key());
				this.orders.put(order.id(), order);
				if (order.pay()) {
					pay(order);
				}
				return true;
			}
			if (response.status() >= 500) {
				this.pendingOrders.add(pending);
				return false;
			}
			this.unexpected.add("POST /orders " + response.status() + " " + response.body());
			return true;
		}
		catch (IOException | RuntimeException ex) {
			this.pendingOrders.add(pending);
			return false;
		}
	}

	/**
	 * @return whether it got an answer
	 */
	private boolean pay(Order order) {
		String body = "{\"amount\": " + order.total().toPlainString() + ", \"reference\": \"" + order.key() + "\"}";
		try {
			Client.Response response = this.client.post(this.orderPort.getAsInt(), "/orders/" + order.id() + "/pay",
					body, null);
			if (response.status() == 200) {
				this.paid.add(order.id());
			}
			else if (response.status() >= 500) {
				this.pendingPayments.add(order);
				return false;
			}
			else if (!(response.status() == 409 && response.body() != null
					&& response.body().path("type").asString("").endsWith("order-cancelled"))) {
				this.unexpected.add("POST /orders/" + order.id() + "/pay " + response.status() + " " + response.body());
			}
			return true;
		}
		catch (IOException | RuntimeException ex) {
			this.pendingPayments.add(order);
			return false;
		}
	}

	private void click(int count) {
		List<String> clicks = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			long n = this.sequence.incrementAndGet();
			clicks.add("""
					{"userId": "%s-u%d", "sku": "%s-P%d", "type": "VIEW", "sessionId": "s%d"}"""
				.formatted(this.names.run, n % 97, this.names.run.toUpperCase(), n % 41, n));
		}
		try {
			Client.Response response = this.client.post(this.clickPort.getAsInt(), "/clicks/batch",
					"[" + String.join(",", clicks) + "]", null);
			if (response.status() == 202) {
				response.body().get("clickIds").valueStream().forEach((id) -> this.clicks.add(id.asString()));
			}
			else if (response.status() >= 500) {
				this.clicksRefused.addAndGet(count);
			}
			else {
				this.unexpected.add("POST /clicks/batch " + response.status() + " " + response.body());
			}
		}
		catch (IOException | RuntimeException ex) {
			this.clicksRefused.addAndGet(count);
		}
	}

	@Override
	public void close() {
		this.ticker.shutdownNow();
		this.workers.shutdownNow();
	}

	static String order(String country, String coupon, String sku, int quantity, String unitPrice) {
		return """
				{"customerId": "c-faults", "currency": "EUR", "shippingCountry": "%s", %s
				 "items": [{"sku": "%s", "quantity": %d, "unitPrice": %s}]}
				""".formatted(country, (coupon != null) ? "\"couponCode\": \"" + coupon + "\"," : "", sku, quantity,
				unitPrice);
	}

	record PendingOrder(String key, String body, boolean pay) {

	}

	record Order(String id, BigDecimal total, Instant placedAt, boolean pay, String key) {

	}

}
