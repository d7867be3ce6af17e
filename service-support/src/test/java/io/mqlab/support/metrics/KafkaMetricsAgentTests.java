package io.mqlab.support.metrics;

import java.util.Map;

import io.mqlab.messaging.kafka.ProxiedKafkaBroker;

/** On an in-JVM Kafka broker of the class's own (its topics go with it). */
class KafkaMetricsAgentTests extends MetricsAgentTests {

	private ProxiedKafkaBroker broker;

	@Override
	Map<String, String> backendProperties() {
		this.broker = ProxiedKafkaBroker.start();
		return Map.of("mqlab.messaging.backend", "kafka", "spring.kafka.bootstrap-servers",
				this.broker.bootstrapServers());
	}

	@Override
	void removeState() {
		if (this.broker != null) {
			this.broker.close();
		}
	}

}
