package io.mqlab.order.order;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LegacyPricingTests {

	@Test
	void pricesTheExampleOrder() {
		Price price = LegacyPricing.price(order("DE", "WELCOME10", item("BOOK-1", 2, "12.50")));
		assertThat(price.subtotal()).isEqualByComparingTo("25.00");
		assertThat(price.discount()).isEqualByComparingTo("2.50");
		assertThat(price.tax()).isEqualByComparingTo("4.28");
		assertThat(price.shipping()).isEqualByComparingTo("4.90");
		assertThat(price.total()).isEqualByComparingTo("31.68");
	}

	@Test
	void addsPercentageDiscountsUp() {
		// WELCOME10 + bulk 5 % = 15 % of 120.00
		Price price = LegacyPricing.price(order("FR", "WELCOME10", item("PEN-1", 10, "12.00")));
		assertThat(price.discount()).isEqualByComparingTo("18.00");
	}

	@Test
	void roundsTaxHalfUp() {
		// 1.50 x 19 % = 0.285
		assertThat(LegacyPricing.price(order("DE", null, item("GUM-1", 1, "1.50"))).tax()).isEqualByComparingTo("0.29");
	}

	@Test
	void shipsFreeFromASubtotalOfOneHundredBeforeDiscounts() {
		Price price = LegacyPricing.price(order("DE", "WELCOME10", item("LAMP-1", 1, "105.00")));
		assertThat(price.shipping()).isEqualByComparingTo("0.00");
	}

	@Test
	void appliesAFixedCouponFromFifty() {
		assertThat(LegacyPricing.price(order("US", "SAVE5", item("MUG-1", 5, "10.00"))).discount())
			.isEqualByComparingTo("5.00");
		assertThat(LegacyPricing.price(order("US", "SAVE5", item("MUG-1", 4, "10.00"))).discount())
			.isEqualByComparingTo("0.00");
	}

	@Test
	void knowsATaxRateForEveryAcceptedCountry() throws Exception {
		var annotation = PlaceOrder.class.getRecordComponents()[2].getAnnotation(io.mqlab.support.OneOf.class);
		assertThat(LegacyPricing.TAX_RATES.keySet()).containsExactlyInAnyOrder(annotation.value());
	}

	static PlaceOrder order(String country, String coupon, PlaceOrder.Item... items) {
		return new PlaceOrder("c-1", "EUR", country, coupon, List.of(items));
	}

	static PlaceOrder.Item item(String sku, int quantity, String unitPrice) {
		return new PlaceOrder.Item(sku, quantity, new BigDecimal(unitPrice));
	}

}
