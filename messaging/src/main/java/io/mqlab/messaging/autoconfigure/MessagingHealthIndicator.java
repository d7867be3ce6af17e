package io.mqlab.messaging.autoconfigure;

import io.mqlab.messaging.Backend;
import io.mqlab.messaging.BrokerProbe;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the chosen broker, reported as the {@code messaging} component.
 */
final class MessagingHealthIndicator extends AbstractHealthIndicator {

	private final Backend backend;

	private final BrokerProbe probe;

	MessagingHealthIndicator(Backend backend, BrokerProbe probe) {
		super("Messaging broker check failed");
		this.backend = backend;
		this.probe = probe;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		builder.withDetail("backend", this.backend.id()).withDetail("location", this.probe.location());
		this.probe.check();
		builder.up();
	}

}
