package io.mqlab.order.order;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Pays an order. The order's row is locked first, so a payment and the payment timeout
 * never both win: whichever comes second sees the other's result. A retried call with the
 * same reference and amount gets the same answer; another payment of a paid order is a
 * conflict, as is paying a cancelled one.
 */
@Component
class OrderPayment {

	private final OrderRepository orders;

	private final MeterRegistry meters;

	private final Clock clock;

	OrderPayment(OrderRepository orders, MeterRegistry meters, Optional<Clock> clock) {
		this.orders = orders;
		this.meters = meters;
		this.clock = clock.orElse(Clock.systemUTC());
	}

	/** The paid order, and whether it was paid earlier by the same payment. */
	record Paid(Order order, boolean replayed) {

	}

	@Transactional
	public Paid pay(UUID id, PayOrder payment) {
		Order order = this.orders.findForUpdate(id).orElseThrow(() -> OrderProblems.notFound(id));
		boolean rightAmount = order.getTotal().compareTo(payment.amount()) == 0;
		switch (order.getStatus()) {
			case CANCELLED -> throw OrderProblems.cancelled(order);
			case PAID -> {
				if (!rightAmount || !order.getPaymentReference().equals(payment.reference())) {
					throw OrderProblems.alreadyPaid(order);
				}
				return new Paid(order, true);
			}
			case PLACED -> {
				if (!rightAmount) {
					throw OrderProblems.amountMismatch(order, payment.amount());
				}
				order.markPaid(payment.reference(), this.clock.instant().truncatedTo(ChronoUnit.MICROS));
				this.meters.counter("mqlab.orders.paid").increment();
				return new Paid(order, false);
			}
			default -> throw new IllegalStateException("Unknown status " + order.getStatus());
		}
	}

}
