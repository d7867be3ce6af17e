package io.mqlab.order.order;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.Capability;
import io.mqlab.messaging.listener.MessageListener;
import io.mqlab.messaging.outbox.Outbox;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Cancels orders nobody paid for. Each placed order sends a delayed
 * {@link PaymentTimedOut} to itself; when it arrives, an order still {@code PLACED} is
 * cancelled and {@link OrderCancelled} goes to the outbox, in the transaction that also
 * records the message id (a redelivery is dropped) and under the order's row lock (a
 * concurrent payment waits, then finds it cancelled). A paid or already cancelled order
 * is left alone, so a second timeout for the same order has no effect either.
 */
@Component
class PaymentTimeouts {

	private static final Log logger = LogFactory.getLog(PaymentTimeouts.class);

	private final Outbox outbox;

	private final OrderRepository orders;

	private final OrderTopics topics;

	private final MeterRegistry meters;

	private final Clock clock;

	PaymentTimeouts(Outbox outbox, OrderRepository orders, OrderTopics topics, MeterRegistry meters,
			Optional<Clock> clock) {
		this.outbox = outbox;
		this.orders = orders;
		this.topics = topics;
		this.meters = meters;
		this.clock = clock.orElse(Clock.systemUTC());
	}

	/** Runs in the idempotent consumer's transaction. */
	@MessageListener(topic = "${mqlab.orders.topics.payment-timeouts:order.payment-timeouts}",
			group = "${mqlab.orders.topics.group:order-service}", idempotent = true,
			requires = Capability.DELAYED_DELIVERY)
	void handle(PaymentTimedOut timedOut) {
		// unknown: fails, is retried, then dead-lettered rather than dropped
		Order order = this.orders.findForUpdate(timedOut.orderId())
			.orElseThrow(() -> new IllegalStateException("Payment timeout for unknown order " + timedOut.orderId()));
		String outcome = switch (order.getStatus()) {
			case PLACED -> {
				order.cancel(this.clock.instant().truncatedTo(ChronoUnit.MICROS));
				this.outbox.publish(this.topics.cancelled(), order.getId().toString(),
						OrderCancelled.of(order, OrderCancelled.PAYMENT_TIMEOUT));
				logger.info("Cancelled order " + order.getId() + ": not paid by " + timedOut.dueAt());
				yield "cancelled";
			}
			case PAID -> "already-paid";
			case CANCELLED -> "already-cancelled";
		};
		this.meters.counter("mqlab.orders.payment.timeouts", "outcome", outcome).increment();
	}

}
