package io.mqlab.recommendation;

class PostgresRecommendationServiceTests extends RecommendationServiceTests {

	PostgresRecommendationServiceTests() {
		super(TestBroker.of("postgres"));
	}

}
