package io.mqlab.platform;

import java.util.Map;

import io.mqlab.messaging.contract.LocalBrokers;

class RabbitPaymentTimeoutEndToEndTests extends PaymentTimeoutEndToEndTests {

	@Override
	protected String backend() {
		LocalBrokers.requireRabbit();
		return "rabbitmq";
	}

	@Override
	protected Map<String, String> broker() {
		return Map.of("spring.rabbitmq.host", LocalBrokers.HOST, "spring.rabbitmq.port",
				Integer.toString(LocalBrokers.RABBITMQ_PORT));
	}

	@Override
	protected void removeBrokerState(Platform platform) {
		RabbitMigrationEndToEndTests.removeState(platform);
	}

}
