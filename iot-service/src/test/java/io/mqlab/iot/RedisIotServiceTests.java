package io.mqlab.iot;

class RedisIotServiceTests extends IotServiceTests {

	RedisIotServiceTests() {
		super(TestBroker.of("redis"));
	}

}
