package io.mqlab.messaging.postgres;

import java.util.Map;
import java.util.Set;

import io.mqlab.messaging.Backend;
import io.mqlab.messaging.Capability;
import io.mqlab.messaging.contract.TestBrokers;
import io.mqlab.messaging.contract.MessagingContractTests;
import org.junit.jupiter.api.AfterEach;
import org.postgresql.Driver;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * The contract over the PostgreSQL table queue. Directly, the queue shares the service's
 * DataSource; through the proxy it gets a queue database of its own
 * (mqlab.messaging.postgres.url), so cutting the proxy cuts the queue only, never the
 * service's DataSource (which the outbox needs).
 */
class PostgresMessagingContractTests extends MessagingContractTests {

	/**
	 * Delayed rows a test left pending (nobody consumes its topic again) would stay in
	 * the shared database; pending rows are never leased, so deleting them is safe while
	 * the test's consumers still stop.
	 */
	@AfterEach
	void deletePendingDelayedRows() {
		TestBrokers.Broker postgres = TestBrokers.postgres();
		JdbcTemplate jdbc = new JdbcTemplate(new SimpleDriverDataSource(new Driver(), postgres.jdbcUrl(schema()),
				postgres.username(), postgres.password()));
		jdbc.update("DELETE FROM mqlab_delivery WHERE topic = ? AND due_at > now()", this.topic);
		jdbc.update("DELETE FROM mqlab_message m WHERE m.topic = ? "
				+ "AND NOT EXISTS (SELECT 1 FROM mqlab_delivery d WHERE d.message_seq = m.seq)", this.topic);
	}

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
		return TestBrokers.postgres().port();
	}

	@Override
	protected Map<String, Object> brokerPropertiesVia(int proxyPort) {
		TestBrokers.Broker postgres = TestBrokers.postgres();
		return Map.of("mqlab.messaging.postgres.url", postgres.jdbcUrlVia(proxyPort) + "?currentSchema=" + schema(),
				"mqlab.messaging.postgres.username", postgres.username(), "mqlab.messaging.postgres.password",
				postgres.password());
	}

	@Override
	protected Set<Capability> expectedCapabilities() {
		return Set.of(Capability.PER_KEY_ORDER, Capability.FAN_OUT, Capability.BACKLOG, Capability.DELAYED_DELIVERY,
				Capability.BATCHES);
	}

}
