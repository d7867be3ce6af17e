package io.mqlab.recommendation;

import io.mqlab.messaging.contract.TestBroker;

class RabbitRecommendationServiceTests extends RecommendationServiceTests {

	RabbitRecommendationServiceTests() {
		super(TestBroker.of("rabbitmq"));
	}

}
