package io.mqlab.order.order;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the legacy service publishes.
 *
 * @param placed the topic of {@code OrderPlaced} events
 * @param requests the topic that mirrors accepted requests to the rewrite
 */
@ConfigurationProperties("mqlab.orders.topics")
public record OrderTopics(@DefaultValue("ORDER") String placed, @DefaultValue("order.requests") String requests) {

}
