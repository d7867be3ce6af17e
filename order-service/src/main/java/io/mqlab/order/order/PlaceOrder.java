package io.mqlab.order.order;

import java.math.BigDecimal;
import java.util.List;

import io.mqlab.support.OneOf;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * A request to place an order. Unknown fields are rejected
 * ({@code spring.jackson.deserialization.fail-on-unknown-properties}): a typo must not be
 * ignored.
 */
public record PlaceOrder(@NotNull @Pattern(regexp = "[A-Za-z0-9_-]{1,64}") String customerId, @NotNull @OneOf( {
		"EUR", "USD", "GBP", "CHF" }) String currency,
		@NotNull @OneOf({ "DE", "FR", "NL", "AT", "BE", "IT", "ES", "GB", "CH", "US", "CA" }) String shippingCountry,
		@Pattern(regexp = "[A-Z0-9]{1,32}") String couponCode,
		@NotEmpty @Size(max = PlaceOrder.MAX_ITEMS) List<@Valid @NotNull Item> items){

	static final int MAX_ITEMS = 50;

	/** One line of the request. */
	public record Item(@NotNull @Pattern(regexp = "[A-Z0-9-]{1,32}") String sku,
			@NotNull @Positive @Max(10_000) Integer quantity,
			@NotNull @DecimalMin("0.00") @DecimalMax("1000000.00") @Digits(integer = 7,
					fraction = 2) BigDecimal unitPrice) {

	}

}
