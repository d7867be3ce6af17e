package io.mqlab.platform;

import java.util.Map;

import io.mqlab.messaging.contract.TestBrokers;

/**
 * PostgreSQL as the broker: the queue lives in a schema of its own that all three
 * services share, apart from each service's own schema.
 */
class PostgresMigrationEndToEndTests extends MigrationEndToEndTests {

	@Override
	protected String backend() {
		return "postgres";
	}

	@Override
	protected int brokerPort() {
		return TestBrokers.postgres().port();
	}

	@Override
	protected Map<String, String> brokerVia(int port, Platform platform) {
		return Map.of("mqlab.messaging.postgres.url", platform.queueUrl(port));
	}

}
