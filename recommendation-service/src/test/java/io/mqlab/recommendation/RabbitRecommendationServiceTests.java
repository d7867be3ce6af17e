package io.mqlab.recommendation;

class RabbitRecommendationServiceTests extends RecommendationServiceTests {

	RabbitRecommendationServiceTests() {
		super(TestBroker.of("rabbitmq"));
	}

}
