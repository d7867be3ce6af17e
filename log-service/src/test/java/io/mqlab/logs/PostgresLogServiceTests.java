package io.mqlab.logs;

import io.mqlab.messaging.contract.TestBroker;

/** The log service on Postgres. */
class PostgresLogServiceTests extends LogServiceTests {

	PostgresLogServiceTests() {
		super(TestBroker.of("postgres"));
	}

}
