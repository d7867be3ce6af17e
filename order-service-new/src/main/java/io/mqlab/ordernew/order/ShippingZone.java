package io.mqlab.ordernew.order;

import java.math.BigDecimal;
import java.util.Set;

/**
 * Where a parcel goes, and what it costs to get there.
 */
enum ShippingZone {

	DOMESTIC("4.90"), EU("9.90"), EUROPE_OTHER("14.90"), WORLD("19.90");

	private static final Set<String> EU_COUNTRIES = Set.of("FR", "NL", "AT", "BE", "IT", "ES");

	private final BigDecimal fee;

	ShippingZone(String fee) {
		this.fee = Money.cents(fee);
	}

	BigDecimal fee() {
		return this.fee;
	}

	static ShippingZone of(String country) {
		if ("DE".equals(country)) {
			return DOMESTIC;
		}
		if (EU_COUNTRIES.contains(country)) {
			return EU;
		}
		return ("GB".equals(country) || "CH".equals(country)) ? EUROPE_OTHER : WORLD;
	}

}
