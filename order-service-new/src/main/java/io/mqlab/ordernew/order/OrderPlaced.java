package io.mqlab.ordernew.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Published to {@code ORDERNEW}; the same fields as the legacy {@code OrderPlaced}.
 */
record OrderPlaced(UUID orderId, String customerId, String currency, String shippingCountry, String couponCode,
		List<Priced.Line> items, BigDecimal subtotal, BigDecimal discount, BigDecimal tax, BigDecimal shipping,
		BigDecimal total, String status, Instant placedAt) {

	static OrderPlaced of(OrderView order) {
		return new OrderPlaced(order.id(), order.customerId(), order.currency(), order.shippingCountry(),
				order.couponCode(), order.items(), order.subtotal(), order.discount(), order.tax(), order.shipping(),
				order.total(), order.status(), order.placedAt());
	}

}
