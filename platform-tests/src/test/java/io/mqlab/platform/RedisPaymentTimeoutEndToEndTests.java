package io.mqlab.platform;

import java.util.Map;

import io.mqlab.messaging.contract.LocalBrokers;

class RedisPaymentTimeoutEndToEndTests extends PaymentTimeoutEndToEndTests {

	@Override
	protected String backend() {
		LocalBrokers.requireRedis();
		return "redis";
	}

	@Override
	protected Map<String, String> broker() {
		return Map.of("spring.data.redis.host", LocalBrokers.HOST, "spring.data.redis.port",
				Integer.toString(LocalBrokers.REDIS_PORT));
	}

	@Override
	protected void removeBrokerState(Platform platform) {
		RedisMigrationEndToEndTests.removeState(platform);
	}

}
