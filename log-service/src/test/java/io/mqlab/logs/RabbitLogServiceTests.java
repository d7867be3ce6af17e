package io.mqlab.logs;

import io.mqlab.messaging.contract.TestBroker;

/** The log service on RabbitMQ. */
class RabbitLogServiceTests extends LogServiceTests {

	RabbitLogServiceTests() {
		super(TestBroker.of("rabbitmq"));
	}

}
