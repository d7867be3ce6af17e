package io.mqlab.platform;

import java.util.Map;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mqlab.messaging.contract.LocalBrokers;
import io.mqlab.messaging.contract.TestBrokers;

class RedisMigrationEndToEndTests extends MigrationEndToEndTests {

	/** The Redis adapter's sorted set of delayed sets, by earliest due time. */
	private static final String DELAYED_REGISTRY = "mqlab:delayed";

	@Override
	protected String backend() {
		TestBrokers.redis();
		return "redis";
	}

	@Override
	protected int brokerPort() {
		return TestBrokers.redis().port();
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
		RedisClient client = RedisClient.create("redis://" + TestBrokers.redis().address());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			ScanIterator<String> keys = ScanIterator.scan(connection.sync(),
					ScanArgs.Builder.matches("*" + platform.run + "*").limit(500));
			while (keys.hasNext()) {
				connection.sync().del(keys.next());
			}
			// the registry of delayed sets still names the run's (pending payment
			// timeouts)
			ScanIterator<ScoredValue<String>> registered = ScanIterator.zscan(connection.sync(), DELAYED_REGISTRY,
					ScanArgs.Builder.matches("*" + platform.run + "*").limit(500));
			while (registered.hasNext()) {
				connection.sync().zrem(DELAYED_REGISTRY, registered.next().getValue());
			}
		}
		finally {
			client.shutdown();
		}
	}

}
