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
 * @param overdueGrace how long after its payment timeout an order still placed is
 * cancelled by the overdue sweep, in case its timeout message never came
 * @param overdueSweep how often the overdue sweep runs
 */
@ConfigurationProperties("mqlab.orders")
public record OrderSettings(@DefaultValue("15m") Duration paymentTimeout, @DefaultValue("5m") Duration overdueGrace,
		@DefaultValue("1m") Duration overdueSweep) {

	public OrderSettings {
		if (overdueGrace.isNegative() || overdueSweep.isNegative() || overdueSweep.isZero()) {
			throw new IllegalArgumentException("mqlab.orders.overdue-grace must be at least 0 and overdue-sweep more"
					+ " than 0, were " + overdueGrace + " and " + overdueSweep);
		}
		if (paymentTimeout.isNegative() || paymentTimeout.isZero() || paymentTimeout.compareTo(Delay.MAX) > 0) {
			throw new IllegalArgumentException("mqlab.orders.payment-timeout must be more than 0 and at most "
					+ Delay.MAX + ", was " + paymentTimeout);
		}
	}

}
