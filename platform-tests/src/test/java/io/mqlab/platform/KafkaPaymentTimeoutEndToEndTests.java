package io.mqlab.platform;

import java.util.Map;

import io.mqlab.messaging.kafka.ProxiedKafkaBroker;

/**
 * The payment timeout on an in-JVM Kafka broker, started with the class.
 */
class KafkaPaymentTimeoutEndToEndTests extends PaymentTimeoutEndToEndTests {

	private ProxiedKafkaBroker broker;

	@Override
	protected String backend() {
		return "kafka";
	}

	@Override
	protected Map<String, String> broker() {
		if (this.broker == null) {
			this.broker = ProxiedKafkaBroker.start();
		}
		return Map.of("spring.kafka.bootstrap-servers", this.broker.bootstrapServers());
	}

	/** The broker goes with the run, after the service stopped. */
	@Override
	protected void removeBrokerState(Platform platform) {
		if (this.broker != null) {
			this.broker.close();
		}
	}

}
