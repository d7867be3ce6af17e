package io.mqlab.iot;

import io.mqlab.messaging.contract.TestBroker;

class RabbitIotServiceTests extends IotServiceTests {

	RabbitIotServiceTests() {
		super(TestBroker.of("rabbitmq"));
	}

}
