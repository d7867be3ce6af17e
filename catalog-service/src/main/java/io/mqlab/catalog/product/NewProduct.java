package io.mqlab.catalog.product;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * A product to create (POST /products, one element of an import). A missing description
 * is empty, missing tags none.
 */
record NewProduct(@NotNull @Pattern(regexp = SKU, message = SKU_MESSAGE) String sku,
		@NotBlank @Size(max = NAME_MAX) @Pattern(regexp = NAME, message = NAME_MESSAGE) String name,
		@Size(max = DESCRIPTION_MAX) @Pattern(regexp = DESCRIPTION, message = DESCRIPTION_MESSAGE) String description,
		@NotNull @DecimalMin("0.00") @Digits(integer = 10, fraction = 2) BigDecimal price,
		@NotNull @Pattern(regexp = CURRENCY, message = CURRENCY_MESSAGE) String currency,
		@NotNull @PositiveOrZero Integer stock,
		@Size(max = TAGS_MAX) List<@NotNull @Pattern(regexp = TAG, message = TAG_MESSAGE) String> tags) {

	static final String SKU = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

	static final String SKU_MESSAGE = "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit";

	static final int NAME_MAX = 200;

	// PostgreSQL refuses NUL in text; other control characters have no place in a name
	static final String NAME = "[^\\p{Cntrl}]*";

	static final String NAME_MESSAGE = "must not contain control characters";

	static final int DESCRIPTION_MAX = 2000;

	static final String DESCRIPTION = "[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]*";

	static final String DESCRIPTION_MESSAGE = "must not contain control characters other than tab and line breaks";

	static final String CURRENCY = "[A-Z]{3}";

	static final String CURRENCY_MESSAGE = "must be 3 upper-case letters (ISO 4217)";

	static final int TAGS_MAX = 20;

	static final String TAG = "[\\p{L}\\p{N}][\\p{L}\\p{N} ._-]{0,31}";

	static final String TAG_MESSAGE = "must be 1 to 32 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit";

	String descriptionOrEmpty() {
		return (this.description != null) ? this.description : "";
	}

	List<String> tagsOrNone() {
		return (this.tags != null) ? this.tags : List.of();
	}

	Product toProduct(Instant now) {
		return new Product(this.sku, this.name, descriptionOrEmpty(), this.price, this.currency, this.stock,
				tagsOrNone(), now);
	}

}
