package io.mqlab.logs;

/** The log service on RabbitMQ. */
class RabbitLogServiceTests extends LogServiceTests {

	RabbitLogServiceTests() {
		super(TestBroker.of("rabbitmq"));
	}

}
