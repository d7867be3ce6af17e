package io.mqlab.recommendation.aggregate;

import java.time.Instant;
import java.util.List;

/**
 * The parts of the order service's {@code OrderPlaced} event that matter here; other
 * fields are ignored, so the order service can add some.
 *
 * @param orderId the order
 * @param customerId who bought: the same ids as the clicks' user ids
 * @param items what was bought
 * @param placedAt when (event time; {@code null}: when it is handled)
 */
public record OrderPlaced(String orderId, String customerId, List<Line> items, Instant placedAt) {

	/** One line of the order. */
	public record Line(String sku, Integer quantity) {

	}

}
