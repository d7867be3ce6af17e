package io.mqlab.support.metrics;

import java.util.Map;

import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.messaging.contract.TestBrokers;

class RedisMetricsAgentTests extends MetricsAgentTests {

	@Override
	Map<String, String> backendProperties() {
		TestBrokers.Broker redis = TestBrokers.redis();
		return Map.of("mqlab.messaging.backend", "redis", "mqlab.messaging.redis.key-prefix", this.run,
				"spring.data.redis.host", redis.host(), "spring.data.redis.port", Integer.toString(redis.port()));
	}

	@Override
	void removeState() {
		TestBroker.deleteRedisKeys(this.run + "*");
	}

}
