package io.mqlab.platform;

import java.util.Map;

import io.mqlab.messaging.contract.TestBrokers;

class RabbitPaymentTimeoutEndToEndTests extends PaymentTimeoutEndToEndTests {

	@Override
	protected String backend() {
		TestBrokers.rabbit();
		return "rabbitmq";
	}

	@Override
	protected Map<String, String> broker() {
		TestBrokers.Broker rabbit = TestBrokers.rabbit();
		return Map.of("spring.rabbitmq.host", rabbit.host(), "spring.rabbitmq.port", Integer.toString(rabbit.port()),
				"spring.rabbitmq.username", rabbit.username(), "spring.rabbitmq.password", rabbit.password());
	}

	@Override
	protected void removeBrokerState(Platform platform) {
		RabbitMigrationEndToEndTests.removeState(platform);
	}

}
