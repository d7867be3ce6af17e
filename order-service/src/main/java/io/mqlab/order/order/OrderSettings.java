package io.mqlab.order.order;

import java.time.Duration;

import io.mqlab.messaging.Delay;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the legacy service treats its orders.
 *
 * @param paymentTimeout how long a placed order waits for its payment before it is
 * cancelled
 */
@ConfigurationProperties("mqlab.orders")
public record OrderSettings(@DefaultValue("15m") Duration paymentTimeout) {

	public OrderSettings {
		if (paymentTimeout.isNegative() || paymentTimeout.isZero() || paymentTimeout.compareTo(Delay.MAX) > 0) {
			throw new IllegalArgumentException("mqlab.orders.payment-timeout must be more than 0 and at most "
					+ Delay.MAX + ", was " + paymentTimeout);
		}
	}

}
