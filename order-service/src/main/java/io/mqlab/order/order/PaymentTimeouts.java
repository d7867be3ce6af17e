package io.mqlab.order.order;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.Capability;
import io.mqlab.messaging.listener.MessageListener;

import org.springframework.stereotype.Component;

/**
 * Cancels orders nobody paid for. Each placed order sends a delayed
 * {@link PaymentTimedOut} to itself; when it arrives, {@link UnpaidOrders} cancels the
 * order if it is still {@code PLACED}, in the transaction that also records the message
 * id (a redelivery is dropped). A paid or already cancelled order is left alone, so a
 * second timeout for the same order has no effect either.
 */
@Component
class PaymentTimeouts {

	private final UnpaidOrders unpaidOrders;

	private final MeterRegistry meters;

	PaymentTimeouts(UnpaidOrders unpaidOrders, MeterRegistry meters) {
		this.unpaidOrders = unpaidOrders;
		this.meters = meters;
	}

	/**
	 * Runs in the idempotent consumer's transaction; an unknown order fails, is retried,
	 * then dead-lettered rather than dropped.
	 */
	@MessageListener(topic = "${mqlab.orders.topics.payment-timeouts:order.payment-timeouts}",
			group = "${mqlab.orders.topics.group:order-service}", idempotent = true,
			requires = Capability.DELAYED_DELIVERY)
	void handle(PaymentTimedOut timedOut) {
		String outcome = this.unpaidOrders.cancelIfUnpaid(timedOut.orderId(), "not paid by " + timedOut.dueAt());
		this.meters.counter("mqlab.orders.payment.timeouts", "outcome", outcome).increment();
	}

}
