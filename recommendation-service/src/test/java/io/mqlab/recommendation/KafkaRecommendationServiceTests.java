package io.mqlab.recommendation;

import java.util.List;
import java.util.Map;

import io.mqlab.messaging.kafka.ProxiedKafkaBroker;

/** Kafka as the broker: an in-JVM KRaft broker for this class, gone with it. */
class KafkaRecommendationServiceTests extends RecommendationServiceTests {

	private ProxiedKafkaBroker broker;

	@Override
	protected String backend() {
		return "kafka";
	}

	@Override
	protected synchronized Map<String, String> brokerProperties() {
		if (this.broker == null) {
			this.broker = ProxiedKafkaBroker.start();
		}
		return Map.of("spring.kafka.bootstrap-servers", this.broker.bootstrapServers());
	}

	@Override
	protected void removeBrokerState(List<String> topics) {
		if (this.broker != null) {
			this.broker.close();
		}
	}

}
