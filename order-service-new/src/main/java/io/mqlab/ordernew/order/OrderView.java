package io.mqlab.ordernew.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An order as the rewrite's API shows it and as it publishes it: the same JSON shape as
 * the legacy service, so clients and reconciliation can compare them field by field.
 */
record OrderView(UUID id, String customerId, String currency, String shippingCountry, String couponCode,
		List<Priced.Line> items, BigDecimal subtotal, BigDecimal discount, BigDecimal tax, BigDecimal shipping,
		BigDecimal total, String status, Instant placedAt) {

	static OrderView of(OrderRequested requested, Priced priced) {
		OrderRequested.Request request = requested.request();
		return new OrderView(requested.orderId(), request.customerId(), request.currency(), request.shippingCountry(),
				request.couponCode(), priced.items(), priced.subtotal(), priced.discount(), priced.tax(),
				priced.shipping(), priced.total(), "PLACED", requested.requestedAt());
	}

}
