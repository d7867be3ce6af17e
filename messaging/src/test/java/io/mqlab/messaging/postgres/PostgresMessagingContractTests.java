package io.mqlab.messaging.postgres;

import java.util.Map;
import java.util.Set;

import io.mqlab.messaging.Backend;
import io.mqlab.messaging.Capability;
import io.mqlab.messaging.contract.LocalBrokers;
import io.mqlab.messaging.contract.MessagingContractTests;

/**
 * The contract over the PostgreSQL table queue. Directly, the queue shares the service's
 * DataSource; through the proxy it gets a queue database of its own
 * (mqlab.messaging.postgres.url), so cutting the proxy cuts the queue only, never the
 * service's DataSource (which the outbox needs).
 */
class PostgresMessagingContractTests extends MessagingContractTests {

	@Override
	protected Backend backend() {
		return Backend.POSTGRES;
	}

	@Override
	protected Map<String, Object> brokerProperties() {
		return Map.of();
	}

	@Override
	protected int brokerPort() {
		return LocalBrokers.POSTGRES_PORT;
	}

	@Override
	protected Map<String, Object> brokerPropertiesVia(int proxyPort) {
		return Map.of("mqlab.messaging.postgres.url",
				"jdbc:postgresql://" + LocalBrokers.HOST + ":" + proxyPort + "/test",
				"mqlab.messaging.postgres.username", "postgres");
	}

	@Override
	protected Set<Capability> expectedCapabilities() {
		return Set.of(Capability.PER_KEY_ORDER, Capability.FAN_OUT, Capability.BACKLOG);
	}

}
