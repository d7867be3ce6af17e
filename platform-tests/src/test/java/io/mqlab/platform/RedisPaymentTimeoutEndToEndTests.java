package io.mqlab.platform;

import java.util.Map;

import io.mqlab.messaging.contract.TestBrokers;

class RedisPaymentTimeoutEndToEndTests extends PaymentTimeoutEndToEndTests {

	@Override
	protected String backend() {
		TestBrokers.redis();
		return "redis";
	}

	@Override
	protected Map<String, String> broker() {
		TestBrokers.Broker redis = TestBrokers.redis();
		return Map.of("spring.data.redis.host", redis.host(), "spring.data.redis.port", Integer.toString(redis.port()));
	}

	@Override
	protected void removeBrokerState(Platform platform) {
		RedisMigrationEndToEndTests.removeState(platform);
	}

}
