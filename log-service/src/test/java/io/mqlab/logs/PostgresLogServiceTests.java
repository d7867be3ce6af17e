package io.mqlab.logs;

/** The log service on Postgres. */
class PostgresLogServiceTests extends LogServiceTests {

	PostgresLogServiceTests() {
		super(TestBroker.of("postgres"));
	}

}
