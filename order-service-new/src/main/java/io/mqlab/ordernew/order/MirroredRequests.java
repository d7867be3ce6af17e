package io.mqlab.ordernew.order;

import io.mqlab.messaging.listener.MessageListener;
import io.mqlab.messaging.outbox.Outbox;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Prices every mirrored request once: the order and its {@code OrderPlaced} (through the
 * outbox) are written in one transaction with the idempotency record, so a redelivered
 * request changes nothing.
 */
@Component
class MirroredRequests {

	private static final Log logger = LogFactory.getLog(MirroredRequests.class);

	private final Outbox outbox;

	private final PricedOrderRepository orders;

	private final OrderTopics topics;

	MirroredRequests(Outbox outbox, PricedOrderRepository orders, OrderTopics topics) {
		this.outbox = outbox;
		this.orders = orders;
		this.topics = topics;
	}

	@MessageListener(topic = "${mqlab.orders.topics.requests:order.requests}",
			group = "${mqlab.orders.topics.group:order-service-new}", idempotent = true)
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
		logger.info("Priced order " + order.id() + ": total " + order.total());
	}

}
