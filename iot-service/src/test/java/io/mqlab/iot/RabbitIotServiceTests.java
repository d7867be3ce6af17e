package io.mqlab.iot;

class RabbitIotServiceTests extends IotServiceTests {

	RabbitIotServiceTests() {
		super(TestBroker.of("rabbitmq"));
	}

}
