package io.mqlab.order.order;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import io.mqlab.messaging.outbox.Outbox;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Cancels an order nobody paid for, whoever noticed: the payment timeout message
 * ({@link PaymentTimeouts}) or the sweep for orders long overdue ({@link OverdueOrders}).
 * Runs in the caller's transaction, under the order's row lock (a concurrent payment
 * waits, then finds it cancelled), and puts {@link OrderCancelled} in the outbox in that
 * same transaction. A paid or already cancelled order is left alone, so a second
 * cancellation of the same order has no effect.
 */
@Component
class UnpaidOrders {

	private static final Log logger = LogFactory.getLog(UnpaidOrders.class);

	private final OrderRepository orders;

	private final Outbox outbox;

	private final OrderTopics topics;

	private final Clock clock;

	UnpaidOrders(OrderRepository orders, Outbox outbox, OrderTopics topics, Optional<Clock> clock) {
		this.orders = orders;
		this.outbox = outbox;
		this.topics = topics;
		this.clock = clock.orElse(Clock.systemUTC());
	}

	/**
	 * Cancels the order if it is still {@code PLACED}.
	 * @param orderId the order
	 * @param why for the log, e.g. "not paid by <due time>"
	 * @return the outcome, a metric tag: {@code cancelled}, {@code already-paid} or
	 * {@code already-cancelled}
	 * @throws IllegalStateException for an unknown order
	 */
	String cancelIfUnpaid(UUID orderId, String why) {
		Order order = this.orders.findForUpdate(orderId)
			.orElseThrow(() -> new IllegalStateException("Payment timeout for unknown order " + orderId));
		return switch (order.getStatus()) {
			case PLACED -> {
				order.cancel(this.clock.instant().truncatedTo(ChronoUnit.MICROS));
				this.outbox.publish(this.topics.cancelled(), order.getId().toString(),
						OrderCancelled.of(order, OrderCancelled.PAYMENT_TIMEOUT));
				logger.info("Cancelled order " + order.getId() + ": " + why);
				yield "cancelled";
			}
			case PAID -> "already-paid";
			case CANCELLED -> "already-cancelled";
		};
	}

}
