package io.mqlab.recommendation;

import io.mqlab.messaging.contract.TestBroker;

class RedisRecommendationServiceTests extends RecommendationServiceTests {

	RedisRecommendationServiceTests() {
		super(TestBroker.of("redis"));
	}

}
