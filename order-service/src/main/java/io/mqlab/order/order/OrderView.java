package io.mqlab.order.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;

/**
 * An order as the API shows it. The rewrite answers with the same shape while an order is
 * {@code PLACED}: {@code paidAt} and {@code cancelledAt} show only once they happened.
 */
public record OrderView(UUID id, String customerId, String currency, String shippingCountry, String couponCode,
		List<Line> items, BigDecimal subtotal, BigDecimal discount, BigDecimal tax, BigDecimal shipping,
		BigDecimal total, OrderStatus status, Instant placedAt, @JsonInclude(Include.NON_NULL) Instant paidAt,
		@JsonInclude(Include.NON_NULL) Instant cancelledAt) {

	static OrderView of(Order order) {
		List<Line> lines = order.getLines()
			.stream()
			.map((line) -> new Line(line.getSku(), line.getQuantity(), line.getUnitPrice(), line.getLineTotal()))
			.toList();
		return new OrderView(order.getId(), order.getCustomerId(), order.getCurrency(), order.getShippingCountry(),
				order.getCouponCode(), lines, order.getSubtotal(), order.getDiscount(), order.getTax(),
				order.getShipping(), order.getTotal(), order.getStatus(), order.getPlacedAt(), order.getPaidAt(),
				order.getCancelledAt());
	}

	/** One priced line. */
	public record Line(String sku, int quantity, BigDecimal unitPrice, BigDecimal lineTotal) {

	}

}
