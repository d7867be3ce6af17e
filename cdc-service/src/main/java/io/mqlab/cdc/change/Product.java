package io.mqlab.cdc.change;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;

/**
 * A row of the catalog's {@code products} table, as the source and every sink hold it.
 *
 * @param sku the primary key
 * @param name the name
 * @param description the description (may be null)
 * @param price the price, two decimals
 * @param currency ISO 4217 code
 * @param stock units in stock
 * @param tags the tags, in the source's order
 * @param version the catalog's optimistic-lock version
 * @param updatedAt when the catalog last changed the row
 */
public record Product(String sku, String name, String description, BigDecimal price, String currency, int stock,
		List<String> tags, long version, Instant updatedAt) {

	public Product {
		tags = (tags != null) ? List.copyOf(tags) : List.of();
		price = (price != null) ? price.setScale(2, RoundingMode.HALF_UP) : null;
		// PostgreSQL keeps microseconds
		updatedAt = (updatedAt != null) ? updatedAt.truncatedTo(ChronoUnit.MICROS) : null;
	}

	/**
	 * A hash of every column in one canonical form, so a row read from any store compares
	 * with the source's.
	 */
	public String hash() {
		String canonical = String.join("\u001f", this.sku, String.valueOf(this.name), String.valueOf(this.description),
				(this.price != null) ? this.price.toPlainString() : "null", String.valueOf(this.currency),
				Integer.toString(this.stock), String.join("\u001e", this.tags), Long.toString(this.version),
				String.valueOf(this.updatedAt));
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 12);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
