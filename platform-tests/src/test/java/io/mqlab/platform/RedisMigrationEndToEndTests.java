package io.mqlab.platform;

import java.util.Map;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mqlab.messaging.contract.LocalBrokers;

class RedisMigrationEndToEndTests extends MigrationEndToEndTests {

	@Override
	protected String backend() {
		LocalBrokers.requireRedis();
		return "redis";
	}

	@Override
	protected int brokerPort() {
		return LocalBrokers.REDIS_PORT;
	}

	@Override
	protected Map<String, String> brokerVia(int port, Platform platform) {
		return Map.of("spring.data.redis.host", LocalBrokers.HOST, "spring.data.redis.port", Integer.toString(port));
	}

	@Override
	protected void removeBrokerState(Platform platform) {
		removeState(platform);
	}

	/** What a run left on the broker (the payment-timeout tests use it too). */
	static void removeState(Platform platform) {
		RedisClient client = RedisClient.create("redis://" + LocalBrokers.HOST + ":" + LocalBrokers.REDIS_PORT);
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			ScanIterator<String> keys = ScanIterator.scan(connection.sync(),
					ScanArgs.Builder.matches("*" + platform.run + "*").limit(500));
			while (keys.hasNext()) {
				connection.sync().del(keys.next());
			}
		}
		finally {
			client.shutdown();
		}
	}

}
