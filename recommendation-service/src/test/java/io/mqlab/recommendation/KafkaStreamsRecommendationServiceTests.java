package io.mqlab.recommendation;

import io.mqlab.messaging.contract.TestBroker;

import java.util.Map;

/**
 * The same tests with the Kafka Streams engine: the topology, the sessions in its state
 * store, the same scoring and Redis aggregates.
 */
class KafkaStreamsRecommendationServiceTests extends RecommendationServiceTests {

	KafkaStreamsRecommendationServiceTests() {
		super(TestBroker.of("kafka"), Map.of("mqlab.recommendation.engine", "kafka-streams"));
	}

}
