package io.mqlab.messaging.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.mqlab.messaging.BrokerProbe;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * PING with a short deadline. The ping runs on a thread of its own because connecting to
 * an unreachable host can take as long as the client's connect timeout.
 */
final class RedisBrokerProbe implements BrokerProbe {

	private static final Duration DEADLINE = Duration.ofMillis(2500);

	private final StringRedisTemplate template;

	private final String location;

	RedisBrokerProbe(StringRedisTemplate template, RedisConnectionFactory connectionFactory) {
		this.template = template;
		this.location = (connectionFactory instanceof LettuceConnectionFactory lettuce)
				? lettuce.getHostName() + ":" + lettuce.getPort() : "the configured Redis";
	}

	@Override
	public String location() {
		return this.location;
	}

	@Override
	public String hint() {
		return "start Redis (redis-server --daemonize yes --port 6379) or set spring.data.redis.host/port "
				+ "(or spring.data.redis.url)";
	}

	@Override
	public void check() throws Exception {
		CompletableFuture<String> ping = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				ping.complete(this.template.execute(RedisConnection::ping));
			}
			catch (Throwable ex) {
				ping.completeExceptionally(ex);
			}
		}, "mqlab-redis-probe");
		thread.setDaemon(true);
		thread.start();
		try {
			String reply = ping.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
			if (!"PONG".equalsIgnoreCase(reply)) {
				throw new IllegalStateException("Redis answered PING with " + reply);
			}
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
		catch (TimeoutException ex) {
			throw new TimeoutException("Redis did not answer PING within " + DEADLINE);
		}
	}

}
