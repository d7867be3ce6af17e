package io.mqlab.catalog.product;

import java.math.BigDecimal;
import java.util.List;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * The new state of a product (PUT /products/{sku}, the sku in the path), applied only if
 * the product is still at {@code version}, the one its writer read.
 */
record ProductChange(
		@NotBlank @Size(max = NewProduct.NAME_MAX) @Pattern(regexp = NewProduct.NAME,
				message = NewProduct.NAME_MESSAGE) String name,
		@Size(max = NewProduct.DESCRIPTION_MAX) @Pattern(regexp = NewProduct.DESCRIPTION,
				message = NewProduct.DESCRIPTION_MESSAGE) String description,
		@NotNull @DecimalMin("0.00") @Digits(integer = 10, fraction = 2) BigDecimal price,
		@NotNull @Pattern(regexp = NewProduct.CURRENCY, message = NewProduct.CURRENCY_MESSAGE) String currency,
		@NotNull @PositiveOrZero Integer stock,
		@Size(max = NewProduct.TAGS_MAX) List<@NotNull @Pattern(regexp = NewProduct.TAG,
				message = NewProduct.TAG_MESSAGE) String> tags,
		@NotNull @PositiveOrZero Long version) {

}
