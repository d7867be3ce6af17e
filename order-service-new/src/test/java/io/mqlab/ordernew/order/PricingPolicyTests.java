package io.mqlab.ordernew.order;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rewrite's rules, including the three places where it deliberately differs from the
 * legacy service (the legacy figures are in the comments).
 */
class PricingPolicyTests {

	@Test
	void agreesWithTheLegacyServiceOnAPlainOrder() {
		Priced priced = PricingPolicy.price(request("DE", "WELCOME10", item("BOOK-1", 2, "12.50")));
		assertThat(priced.subtotal()).isEqualByComparingTo("25.00");
		assertThat(priced.discount()).isEqualByComparingTo("2.50");
		assertThat(priced.tax()).isEqualByComparingTo("4.28");
		assertThat(priced.shipping()).isEqualByComparingTo("4.90");
		assertThat(priced.total()).isEqualByComparingTo("31.68");
	}

	@Test
	void chainsPercentageDiscounts() {
		// 120.00 x 0.90 x 0.95 = 102.60: discount 17.40 (legacy adds 10 % + 5 %: 18.00)
		Priced priced = PricingPolicy.price(request("FR", "WELCOME10", item("PEN-1", 10, "12.00")));
		assertThat(priced.discount()).isEqualByComparingTo("17.40");
	}

	@Test
	void roundsHalfEven() {
		// 1.50 x 19 % = 0.285: 0.28 (legacy HALF_UP: 0.29)
		assertThat(PricingPolicy.price(request("DE", null, item("GUM-1", 1, "1.50"))).tax())
			.isEqualByComparingTo("0.28");
	}

	@Test
	void grantsFreeShippingOnTheDiscountedAmount() {
		// 105.00 - 10 % = 94.50 < 100: shipping 4.90 (legacy looks at the subtotal: free)
		Priced priced = PricingPolicy.price(request("DE", "WELCOME10", item("LAMP-1", 1, "105.00")));
		assertThat(priced.shipping()).isEqualByComparingTo("4.90");
	}

	static OrderRequested.Request request(String country, String coupon, OrderRequested.Item... items) {
		return new OrderRequested.Request("c-1", "EUR", country, coupon, List.of(items));
	}

	static OrderRequested.Item item(String sku, int quantity, String unitPrice) {
		return new OrderRequested.Item(sku, quantity, new BigDecimal(unitPrice));
	}

}
