package io.mqlab.ordernew.order;

import java.math.BigDecimal;
import java.util.List;

/**
 * What pricing produced for one request.
 */
record Priced(List<Line> items, BigDecimal subtotal, BigDecimal discount, BigDecimal tax, BigDecimal shipping,
		BigDecimal total) {

	/** One priced line. */
	record Line(String sku, int quantity, BigDecimal unitPrice, BigDecimal lineTotal) {

	}

}
