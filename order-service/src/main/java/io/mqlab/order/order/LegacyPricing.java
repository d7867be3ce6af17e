package io.mqlab.order.order;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pricing rules of the legacy system, as they have run in production for years:
 * <ul>
 * <li>line total = quantity x unit price; subtotal = sum of line totals;</li>
 * <li>coupons: WELCOME10 10 %, SPRING15 15 %, SAVE5 5.00 off from 50.00, FREESHIP free
 * shipping;</li>
 * <li>bulk: 5 % off when any line has 10 or more units;</li>
 * <li>percentage discounts ADD UP and apply to the subtotal;</li>
 * <li>tax by country on (subtotal - discount), rounded HALF_UP to cents;</li>
 * <li>shipping by zone, free when the subtotal before discounts reaches 100.00.</li>
 * </ul>
 */
final class LegacyPricing {

	static final Map<String, BigDecimal> TAX_RATES = Map.ofEntries(Map.entry("DE", new BigDecimal("0.19")),
			Map.entry("FR", new BigDecimal("0.20")), Map.entry("NL", new BigDecimal("0.21")),
			Map.entry("AT", new BigDecimal("0.20")), Map.entry("BE", new BigDecimal("0.21")),
			Map.entry("IT", new BigDecimal("0.22")), Map.entry("ES", new BigDecimal("0.21")),
			Map.entry("GB", new BigDecimal("0.20")), Map.entry("CH", new BigDecimal("0.081")),
			Map.entry("US", BigDecimal.ZERO), Map.entry("CA", new BigDecimal("0.05")));

	static final Set<String> COUPONS = Set.of("WELCOME10", "SPRING15", "SAVE5", "FREESHIP");

	private static final Set<String> EU = Set.of("FR", "NL", "AT", "BE", "IT", "ES");

	private static final BigDecimal FREE_SHIPPING_FROM = new BigDecimal("100.00");

	private LegacyPricing() {
	}

	static Price price(PlaceOrder request) {
		List<BigDecimal> lineTotals = request.items()
			.stream()
			.map((item) -> item.unitPrice()
				.multiply(BigDecimal.valueOf(item.quantity()))
				.setScale(2, RoundingMode.HALF_UP))
			.toList();
		BigDecimal subtotal = lineTotals.stream().reduce(BigDecimal.ZERO, BigDecimal::add).setScale(2);
		String coupon = request.couponCode();
		BigDecimal percent = BigDecimal.ZERO;
		if ("WELCOME10".equals(coupon)) {
			percent = percent.add(new BigDecimal("0.10"));
		}
		if ("SPRING15".equals(coupon)) {
			percent = percent.add(new BigDecimal("0.15"));
		}
		if (request.items().stream().anyMatch((item) -> item.quantity() >= 10)) {
			percent = percent.add(new BigDecimal("0.05"));
		}
		BigDecimal discount = subtotal.multiply(percent).setScale(2, RoundingMode.HALF_UP);
		if ("SAVE5".equals(coupon) && subtotal.compareTo(new BigDecimal("50.00")) >= 0) {
			discount = discount.add(new BigDecimal("5.00"));
		}
		discount = discount.min(subtotal);
		BigDecimal taxable = subtotal.subtract(discount);
		BigDecimal tax = taxable.multiply(TAX_RATES.get(request.shippingCountry())).setScale(2, RoundingMode.HALF_UP);
		boolean freeShipping = "FREESHIP".equals(coupon) || subtotal.compareTo(FREE_SHIPPING_FROM) >= 0;
		BigDecimal shipping = freeShipping ? new BigDecimal("0.00") : shippingFor(request.shippingCountry());
		return new Price(lineTotals, subtotal, discount, tax, shipping, taxable.add(tax).add(shipping));
	}

	private static BigDecimal shippingFor(String country) {
		if ("DE".equals(country)) {
			return new BigDecimal("4.90");
		}
		if (EU.contains(country)) {
			return new BigDecimal("9.90");
		}
		if ("GB".equals(country) || "CH".equals(country)) {
			return new BigDecimal("14.90");
		}
		return new BigDecimal("19.90");
	}

}
