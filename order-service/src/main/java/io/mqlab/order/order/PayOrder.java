package io.mqlab.order.order;

import java.math.BigDecimal;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * A payment for an order: the amount must be the order's total; the reference (the
 * payment provider's id) makes a retried call recognisable.
 */
public record PayOrder(@NotNull @DecimalMin("0.00") @Digits(integer = 12, fraction = 2) BigDecimal amount,
		@NotNull @Pattern(regexp = "[A-Za-z0-9_.:-]{1,64}") String reference) {

}
