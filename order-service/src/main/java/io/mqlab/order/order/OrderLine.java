package io.mqlab.order.order;

import java.math.BigDecimal;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/**
 * One product line of an order.
 */
@Embeddable
public class OrderLine {

	@Column(nullable = false)
	private String sku;

	@Column(nullable = false)
	private int quantity;

	@Column(name = "unit_price", nullable = false)
	private BigDecimal unitPrice;

	@Column(name = "line_total", nullable = false)
	private BigDecimal lineTotal;

	protected OrderLine() {
	}

	OrderLine(String sku, int quantity, BigDecimal unitPrice, BigDecimal lineTotal) {
		this.sku = sku;
		this.quantity = quantity;
		this.unitPrice = unitPrice;
		this.lineTotal = lineTotal;
	}

	public String getSku() {
		return this.sku;
	}

	public int getQuantity() {
		return this.quantity;
	}

	public BigDecimal getUnitPrice() {
		return this.unitPrice;
	}

	public BigDecimal getLineTotal() {
		return this.lineTotal;
	}

}
