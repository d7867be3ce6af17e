package io.mqlab.ordernew.order;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;

/**
 * The rewrite keeps each order as one JSON document, with the columns it queries by.
 */
@Entity
@Table(name = "priced_order")
class PricedOrder {

	@Id
	private UUID id;

	@Column(name = "customer_id", nullable = false)
	private String customerId;

	@Column(name = "placed_at", nullable = false)
	private Instant placedAt;

	@Convert(converter = OrderViewConverter.class)
	@ColumnTransformer(write = "?::jsonb")
	@Column(nullable = false, columnDefinition = "jsonb")
	private OrderView document;

	protected PricedOrder() {
	}

	PricedOrder(OrderView document) {
		this.id = document.id();
		this.customerId = document.customerId();
		this.placedAt = document.placedAt();
		this.document = document;
	}

	OrderView document() {
		return this.document;
	}

}
