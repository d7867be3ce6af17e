package io.mqlab.order.order;

import java.time.Instant;
import java.util.UUID;

/**
 * Sent by the service to itself when an order is placed, delayed until its payment is
 * due: an order still unpaid when it arrives is cancelled.
 *
 * @param orderId the order
 * @param dueAt when the payment was due (the message's delivery time)
 */
public record PaymentTimedOut(UUID orderId, Instant dueAt) {

}
