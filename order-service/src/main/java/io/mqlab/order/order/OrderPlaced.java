package io.mqlab.order.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Published to {@code ORDER} when the legacy service has placed an order.
 */
public record OrderPlaced(UUID orderId, String customerId, String currency, String shippingCountry, String couponCode,
		List<OrderView.Line> items, BigDecimal subtotal, BigDecimal discount, BigDecimal tax, BigDecimal shipping,
		BigDecimal total, OrderStatus status, Instant placedAt) {

	static OrderPlaced of(Order order) {
		OrderView view = OrderView.of(order);
		return new OrderPlaced(view.id(), view.customerId(), view.currency(), view.shippingCountry(), view.couponCode(),
				view.items(), view.subtotal(), view.discount(), view.tax(), view.shipping(), view.total(),
				view.status(), view.placedAt());
	}

}
