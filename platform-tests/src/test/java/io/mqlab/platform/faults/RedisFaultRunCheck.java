package io.mqlab.platform.faults;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mqlab.messaging.contract.LocalBrokers;
import io.mqlab.messaging.contract.TcpProxy;

/**
 * The fault run on the machine's Redis. Redis here keeps no data on disk, so a restart
 * would lose every stream: the "restart" kills the services' connections instead
 * ({@code CLIENT KILL} of every client named after the run), which is what a restart does
 * to them.
 */
class RedisFaultRunCheck extends FaultRunCheck {

	/** The Redis adapter's sorted set of delayed sets, by earliest due time. */
	private static final String DELAYED_REGISTRY = "mqlab:delayed";

	@Override
	protected FaultBroker broker() {
		return new RedisFaults();
	}

	static final class RedisFaults extends FaultBroker {

		@Override
		String backend() {
			return "redis";
		}

		@Override
		void start(RunNames names, Path dir, List<String> services) {
			LocalBrokers.requireRedis();
		}

		@Override
		TcpProxy proxyFor(String service) {
			return new TcpProxy(LocalBrokers.REDIS_PORT);
		}

		@Override
		Map<String, String> via(TcpProxy proxy, RunNames names) {
			return Map.of("spring.data.redis.host", LocalBrokers.HOST, "spring.data.redis.port",
					Integer.toString(proxy.port()));
		}

		@Override
		Map<String, String> direct(RunNames names) {
			return Map.of("spring.data.redis.host", LocalBrokers.HOST, "spring.data.redis.port",
					Integer.toString(LocalBrokers.REDIS_PORT));
		}

		@Override
		String restart(RunNames names) {
			RedisClient client = RedisClient.create("redis://" + LocalBrokers.HOST + ":" + LocalBrokers.REDIS_PORT);
			int killed = 0;
			try (StatefulRedisConnection<String, String> connection = client.connect()) {
				for (String line : connection.sync().clientList().split("\n")) {
					String id = field(line, "id");
					String name = field(line, "name");
					if (id != null && name != null && name.startsWith(names.run + "-")) {
						connection.sync().clientKill(KillArgs.Builder.id(Long.parseLong(id)));
						killed++;
					}
				}
			}
			finally {
				client.shutdown();
			}
			return "Redis: CLIENT KILL of the services' " + killed + " connections";
		}

		private static String field(String line, String name) {
			for (String pair : line.trim().split(" ")) {
				if (pair.startsWith(name + "=")) {
					return pair.substring(name.length() + 1);
				}
			}
			return null;
		}

		@Override
		void cleanUp(RunNames names) {
			RedisClient client = RedisClient.create("redis://" + LocalBrokers.HOST + ":" + LocalBrokers.REDIS_PORT);
			try (StatefulRedisConnection<String, String> connection = client.connect()) {
				ScanIterator<ScoredValue<String>> registered = ScanIterator.zscan(connection.sync(), DELAYED_REGISTRY,
						ScanArgs.Builder.matches("*" + names.run + "*").limit(500));
				while (registered.hasNext()) {
					connection.sync().zrem(DELAYED_REGISTRY, registered.next().getValue());
				}
			}
			finally {
				client.shutdown();
			}
		}

	}

}
