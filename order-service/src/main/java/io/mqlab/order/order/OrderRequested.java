package io.mqlab.order.order;

import java.time.Instant;
import java.util.UUID;

/**
 * The accepted request, mirrored to the rewrite so both services see the same traffic and
 * price the same order id.
 */
public record OrderRequested(UUID orderId, PlaceOrder request, Instant requestedAt) {

}
