package io.mqlab.order.order;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the legacy service publishes and reads.
 *
 * @param placed the topic of {@code OrderPlaced} events
 * @param requests the topic that mirrors accepted requests to the rewrite
 * @param paymentTimeouts the delayed {@code PaymentTimedOut} messages it sends itself
 * @param cancelled the topic of {@code OrderCancelled} events (apart from {@code placed},
 * which reconciliation reads as one {@code OrderPlaced} per order)
 * @param group its consumer group
 */
@ConfigurationProperties("mqlab.orders.topics")
public record OrderTopics(@DefaultValue("ORDER") String placed, @DefaultValue("order.requests") String requests,
		@DefaultValue("order.payment-timeouts") String paymentTimeouts,
		@DefaultValue("order.cancelled") String cancelled, @DefaultValue("order-service") String group) {

}
