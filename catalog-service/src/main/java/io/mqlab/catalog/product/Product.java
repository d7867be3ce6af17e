package io.mqlab.catalog.product;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A product, one row of {@code products}. Hibernate bumps {@link #version} on every
 * update and checks it in the UPDATE's WHERE clause (optimistic locking).
 */
@Entity
@Table(name = "products")
class Product {

	@Id
	private String sku;

	private String name;

	private String description;

	@Column(precision = 12, scale = 2)
	private BigDecimal price;

	@JdbcTypeCode(SqlTypes.CHAR)
	@Column(length = 3)
	private String currency;

	private int stock;

	@JdbcTypeCode(SqlTypes.ARRAY)
	@Column(columnDefinition = "text[]")
	private List<String> tags;

	// null until persisted, so Spring Data takes a new product for new (persist, not
	// merge)
	@Version
	private Long version;

	private Instant updatedAt;

	protected Product() {
	}

	Product(String sku, String name, String description, BigDecimal price, String currency, int stock,
			List<String> tags, Instant updatedAt) {
		this.sku = sku;
		this.name = name;
		this.description = description;
		this.price = cents(price);
		this.currency = currency;
		this.stock = stock;
		this.tags = tags;
		this.updatedAt = updatedAt;
	}

	void change(ProductChange change, Instant now) {
		this.name = change.name();
		this.description = (change.description() != null) ? change.description() : "";
		this.price = cents(change.price());
		this.currency = change.currency();
		this.stock = change.stock();
		this.tags = (change.tags() != null) ? change.tags() : List.of();
		this.updatedAt = now;
	}

	/**
	 * As the column keeps it (12.5 → 12.50): validated to at most 2 decimals, so exact.
	 */
	private static BigDecimal cents(BigDecimal price) {
		return price.setScale(2, RoundingMode.UNNECESSARY);
	}

	String sku() {
		return this.sku;
	}

	String name() {
		return this.name;
	}

	String description() {
		return this.description;
	}

	BigDecimal price() {
		return this.price;
	}

	String currency() {
		return this.currency;
	}

	int stock() {
		return this.stock;
	}

	List<String> tags() {
		return this.tags;
	}

	Long version() {
		return this.version;
	}

	Instant updatedAt() {
		return this.updatedAt;
	}

}
