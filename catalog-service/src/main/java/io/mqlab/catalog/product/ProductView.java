package io.mqlab.catalog.product;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** A product as the API shows it; {@code version} is what a PUT must send back. */
record ProductView(String sku, String name, String description, BigDecimal price, String currency, int stock,
		List<String> tags, long version, Instant updatedAt) {

	static ProductView of(Product product) {
		return new ProductView(product.sku(), product.name(), product.description(), product.price(),
				product.currency(), product.stock(), List.copyOf(product.tags()), product.version(),
				product.updatedAt());
	}

}
