package io.mqlab.ordernew.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The legacy service's mirrored request, as the rewrite reads it (unknown fields are
 * ignored, so the legacy side can add some).
 */
record OrderRequested(UUID orderId, Request request, Instant requestedAt) {

	record Request(String customerId, String currency, String shippingCountry, String couponCode, List<Item> items) {

	}

	record Item(String sku, int quantity, BigDecimal unitPrice) {

	}

}
