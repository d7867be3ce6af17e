package io.mqlab.iot;

import io.mqlab.messaging.contract.TestBroker;

class RedisIotServiceTests extends IotServiceTests {

	RedisIotServiceTests() {
		super(TestBroker.of("redis"));
	}

}
