package io.mqlab.recommendation;

class RedisRecommendationServiceTests extends RecommendationServiceTests {

	RedisRecommendationServiceTests() {
		super(TestBroker.of("redis"));
	}

}
