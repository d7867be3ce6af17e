package io.mqlab.recommendation;

import io.mqlab.messaging.contract.TestBroker;

class PostgresRecommendationServiceTests extends RecommendationServiceTests {

	PostgresRecommendationServiceTests() {
		super(TestBroker.of("postgres"));
	}

}
