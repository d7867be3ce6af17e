package io.mqlab.ordernew.order;

import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.Subscription;
import io.mqlab.messaging.idempotency.IdempotentConsumer;
import io.mqlab.messaging.outbox.Outbox;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Prices every mirrored request once: the order and its {@code OrderPlaced} (through the
 * outbox) are written in one transaction with the idempotency record, so a redelivered
 * request changes nothing.
 */
@Component
class MirroredRequests implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(MirroredRequests.class);

	private final Messaging messaging;

	private final IdempotentConsumer idempotent;

	private final Outbox outbox;

	private final PricedOrderRepository orders;

	private final OrderTopics topics;

	private volatile Subscription subscription;

	MirroredRequests(Messaging messaging, IdempotentConsumer idempotent, Outbox outbox, PricedOrderRepository orders,
			OrderTopics topics) {
		this.messaging = messaging;
		this.idempotent = idempotent;
		this.outbox = outbox;
		this.orders = orders;
		this.topics = topics;
	}

	void handle(OrderRequested requested) {
		if (!PricingPolicy.ships(requested.request().shippingCountry())) {
			throw new IllegalArgumentException("Cannot price order " + requested.orderId() + " for country "
					+ requested.request().shippingCountry());
		}
		if (this.orders.existsById(requested.orderId())) {
			return;
		}
		OrderView order = OrderView.of(requested, PricingPolicy.price(requested.request()));
		this.orders.save(new PricedOrder(order));
		this.outbox.publish(this.topics.placed(), order.id().toString(), OrderPlaced.of(order));
		logger.debug("Priced order " + order.id() + ": total " + order.total());
	}

	@Override
	public void start() {
		this.subscription = this.messaging.subscribe(this.topics.requests(), this.topics.group(), OrderRequested.class,
				this.idempotent.wrap((requested, context) -> handle(requested)));
	}

	@Override
	public void stop() {
		Subscription current = this.subscription;
		if (current != null) {
			current.stop();
		}
		this.subscription = null;
	}

	@Override
	public boolean isRunning() {
		return this.subscription != null;
	}

}
