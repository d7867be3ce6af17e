package io.mqlab.ordernew.order;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the rewrite reads and writes.
 *
 * @param requests the mirrored requests of the legacy service
 * @param placed where its {@code OrderPlaced} events go
 * @param group its consumer group
 */
@ConfigurationProperties("mqlab.orders.topics")
record OrderTopics(@DefaultValue("order.requests") String requests, @DefaultValue("ORDERNEW") String placed,
		@DefaultValue("order-service-new") String group) {

}
