package io.mqlab.ordernew.order;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Amounts in cents precision. The rewrite rounds every amount with banker's rounding
 * (HALF_EVEN), as the finance team asked for the new platform.
 */
final class Money {

	static final RoundingMode ROUNDING = RoundingMode.HALF_EVEN;

	static final BigDecimal ZERO = cents(BigDecimal.ZERO);

	private Money() {
	}

	static BigDecimal cents(BigDecimal amount) {
		return amount.setScale(2, ROUNDING);
	}

	static BigDecimal cents(String amount) {
		return cents(new BigDecimal(amount));
	}

}
