package io.mqlab.recommendation;

import io.mqlab.messaging.contract.TestBroker;

class KafkaRecommendationServiceTests extends RecommendationServiceTests {

	KafkaRecommendationServiceTests() {
		super(TestBroker.of("kafka"));
	}

}
