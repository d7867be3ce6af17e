package io.mqlab.recommendation;

class KafkaRecommendationServiceTests extends RecommendationServiceTests {

	KafkaRecommendationServiceTests() {
		super(TestBroker.of("kafka"));
	}

}
