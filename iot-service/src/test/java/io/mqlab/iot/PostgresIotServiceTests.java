package io.mqlab.iot;

import io.mqlab.messaging.contract.TestBroker;

class PostgresIotServiceTests extends IotServiceTests {

	PostgresIotServiceTests() {
		super(TestBroker.of("postgres"));
	}

}
