package io.mqlab.order.order;

import java.math.BigDecimal;
import java.util.List;

/**
 * The priced amounts of an order, in its currency.
 */
record Price(List<BigDecimal> lineTotals, BigDecimal subtotal, BigDecimal discount, BigDecimal tax, BigDecimal shipping,
		BigDecimal total) {

}
