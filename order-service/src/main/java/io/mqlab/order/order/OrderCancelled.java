package io.mqlab.order.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * Published to {@code order.cancelled} when an order is cancelled.
 *
 * @param orderId the order
 * @param customerId its customer
 * @param total what it would have cost
 * @param currency in this currency
 * @param reason why, e.g. {@code PAYMENT_TIMEOUT}
 * @param cancelledAt when
 */
public record OrderCancelled(UUID orderId, String customerId, BigDecimal total, String currency, String reason,
		Instant cancelledAt) {

	static final String PAYMENT_TIMEOUT = "PAYMENT_TIMEOUT";

	static OrderCancelled of(Order order, String reason) {
		return new OrderCancelled(order.getId(), order.getCustomerId(), order.getTotal(), order.getCurrency(), reason,
				order.getCancelledAt());
	}

}
