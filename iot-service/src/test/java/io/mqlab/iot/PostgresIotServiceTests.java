package io.mqlab.iot;

class PostgresIotServiceTests extends IotServiceTests {

	PostgresIotServiceTests() {
		super(TestBroker.of("postgres"));
	}

}
