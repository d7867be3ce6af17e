package io.mqlab.order.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * An order as the legacy service keeps it.
 */
@Entity
@Table(name = "orders")
public class Order {

	@Id
	private UUID id;

	@Column(name = "customer_id", nullable = false)
	private String customerId;

	@Column(nullable = false)
	private String currency;

	@Column(name = "shipping_country", nullable = false)
	private String shippingCountry;

	@Column(name = "coupon_code")
	private String couponCode;

	@ElementCollection(fetch = FetchType.EAGER)
	@CollectionTable(name = "order_line", joinColumns = @JoinColumn(name = "order_id"))
	@OrderColumn(name = "position")
	private List<OrderLine> lines = new ArrayList<>();

	@Column(nullable = false)
	private BigDecimal subtotal;

	@Column(nullable = false)
	private BigDecimal discount;

	@Column(nullable = false)
	private BigDecimal tax;

	@Column(nullable = false)
	private BigDecimal shipping;

	@Column(nullable = false)
	private BigDecimal total;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false)
	private OrderStatus status;

	@Column(name = "placed_at", nullable = false)
	private Instant placedAt;

	@Column(name = "idempotency_key", unique = true)
	private String idempotencyKey;

	@Column(name = "request_hash")
	private String requestHash;

	@Column(name = "paid_at")
	private Instant paidAt;

	@Column(name = "payment_reference")
	private String paymentReference;

	@Column(name = "cancelled_at")
	private Instant cancelledAt;

	@Version
	private long version;

	protected Order() {
	}

	Order(UUID id, PlaceOrder request, Price price, Instant placedAt, String idempotencyKey, String requestHash) {
		this.id = id;
		this.customerId = request.customerId();
		this.currency = request.currency();
		this.shippingCountry = request.shippingCountry();
		this.couponCode = request.couponCode();
		for (int i = 0; i < request.items().size(); i++) {
			PlaceOrder.Item item = request.items().get(i);
			this.lines.add(new OrderLine(item.sku(), item.quantity(), item.unitPrice(), price.lineTotals().get(i)));
		}
		this.subtotal = price.subtotal();
		this.discount = price.discount();
		this.tax = price.tax();
		this.shipping = price.shipping();
		this.total = price.total();
		this.status = OrderStatus.PLACED;
		this.placedAt = placedAt;
		this.idempotencyKey = idempotencyKey;
		this.requestHash = requestHash;
	}

	public UUID getId() {
		return this.id;
	}

	public String getCustomerId() {
		return this.customerId;
	}

	public String getCurrency() {
		return this.currency;
	}

	public String getShippingCountry() {
		return this.shippingCountry;
	}

	public String getCouponCode() {
		return this.couponCode;
	}

	public List<OrderLine> getLines() {
		return this.lines;
	}

	public BigDecimal getSubtotal() {
		return this.subtotal;
	}

	public BigDecimal getDiscount() {
		return this.discount;
	}

	public BigDecimal getTax() {
		return this.tax;
	}

	public BigDecimal getShipping() {
		return this.shipping;
	}

	public BigDecimal getTotal() {
		return this.total;
	}

	public OrderStatus getStatus() {
		return this.status;
	}

	public Instant getPlacedAt() {
		return this.placedAt;
	}

	String getRequestHash() {
		return this.requestHash;
	}

	public Instant getPaidAt() {
		return this.paidAt;
	}

	String getPaymentReference() {
		return this.paymentReference;
	}

	public Instant getCancelledAt() {
		return this.cancelledAt;
	}

	/** Records the payment of an order that waits for it. */
	void markPaid(String reference, Instant at) {
		requirePlaced("pay");
		this.status = OrderStatus.PAID;
		this.paymentReference = reference;
		this.paidAt = at;
	}

	/** Cancels an order that was never paid. */
	void cancel(Instant at) {
		requirePlaced("cancel");
		this.status = OrderStatus.CANCELLED;
		this.cancelledAt = at;
	}

	private void requirePlaced(String action) {
		if (this.status != OrderStatus.PLACED) {
			throw new IllegalStateException("Cannot " + action + " order " + this.id + ": it is " + this.status);
		}
	}

}
