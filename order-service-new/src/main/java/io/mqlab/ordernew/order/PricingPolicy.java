package io.mqlab.ordernew.order;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rewrite's pricing, written from the product spec rather than ported from the legacy
 * code. Where it deliberately differs (see "The rewrite's deliberate differences" in
 * README.md):
 * <ol>
 * <li>percentage discounts are applied one after the other (coupon first, then bulk on
 * what is left), not added up;</li>
 * <li>every amount is rounded HALF_EVEN (banker's rounding), not HALF_UP;</li>
 * <li>free shipping looks at the amount after discounts, not the subtotal.</li>
 * </ol>
 */
final class PricingPolicy {

	private static final Map<String, String> VAT = Map.ofEntries(Map.entry("DE", "0.19"), Map.entry("FR", "0.20"),
			Map.entry("NL", "0.21"), Map.entry("AT", "0.20"), Map.entry("BE", "0.21"), Map.entry("IT", "0.22"),
			Map.entry("ES", "0.21"), Map.entry("GB", "0.20"), Map.entry("CH", "0.081"), Map.entry("US", "0"),
			Map.entry("CA", "0.05"));

	private static final Map<String, String> COUPON_RATES = Map.of("WELCOME10", "0.10", "SPRING15", "0.15");

	private static final int BULK_UNITS = 10;

	private static final BigDecimal BULK_RATE = new BigDecimal("0.05");

	private static final BigDecimal FREE_SHIPPING_FROM = Money.cents("100");

	private PricingPolicy() {
	}

	static Priced price(OrderRequested.Request request) {
		List<Priced.Line> lines = new ArrayList<>();
		BigDecimal subtotal = Money.ZERO;
		for (OrderRequested.Item item : request.items()) {
			BigDecimal lineTotal = Money.cents(item.unitPrice().multiply(BigDecimal.valueOf(item.quantity())));
			lines.add(new Priced.Line(item.sku(), item.quantity(), item.unitPrice(), lineTotal));
			subtotal = subtotal.add(lineTotal);
		}
		BigDecimal remaining = subtotal;
		String coupon = request.couponCode();
		if (coupon != null && COUPON_RATES.containsKey(coupon)) {
			remaining = remaining.multiply(BigDecimal.ONE.subtract(new BigDecimal(COUPON_RATES.get(coupon))));
		}
		if (request.items().stream().anyMatch((item) -> item.quantity() >= BULK_UNITS)) {
			remaining = remaining.multiply(BigDecimal.ONE.subtract(BULK_RATE));
		}
		BigDecimal discount = subtotal.subtract(Money.cents(remaining));
		if ("SAVE5".equals(coupon) && subtotal.compareTo(Money.cents("50")) >= 0) {
			discount = discount.add(Money.cents("5"));
		}
		discount = discount.min(subtotal);
		BigDecimal net = subtotal.subtract(discount);
		BigDecimal tax = Money.cents(net.multiply(new BigDecimal(VAT.get(request.shippingCountry()))));
		BigDecimal shipping = ("FREESHIP".equals(coupon) || net.compareTo(FREE_SHIPPING_FROM) >= 0) ? Money.ZERO
				: ShippingZone.of(request.shippingCountry()).fee();
		return new Priced(lines, subtotal, discount, tax, shipping, net.add(tax).add(shipping));
	}

	static boolean ships(String country) {
		return VAT.containsKey(country);
	}

}
