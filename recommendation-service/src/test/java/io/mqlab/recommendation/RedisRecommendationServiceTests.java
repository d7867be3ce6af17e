package io.mqlab.recommendation;

import java.util.List;
import java.util.Map;

import io.mqlab.messaging.contract.LocalBrokers;

/** Redis Streams as the broker, and the same Redis for the aggregates. */
class RedisRecommendationServiceTests extends RecommendationServiceTests {

	@Override
	protected String backend() {
		LocalBrokers.requireRedis();
		return "redis";
	}

	@Override
	protected Map<String, String> brokerProperties() {
		return Map.of();
	}

	@Override
	protected void removeBrokerState(List<String> topics) {
		for (String topic : topics) {
			deleteRedisKeys("mqlab:" + topic + "*");
		}
	}

}
