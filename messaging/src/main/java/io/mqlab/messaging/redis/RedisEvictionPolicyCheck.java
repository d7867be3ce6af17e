package io.mqlab.messaging.redis;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Fails start-up unless Redis's {@code maxmemory-policy} is {@code noeviction}. Under
 * memory pressure an {@code allkeys-*} policy evicts any key, streams and dead letters
 * included: messages lost without a trace. A {@code volatile-*} policy evicts keys with a
 * TTL, and the library's partition leases and member registry have one: an evicted lease
 * lets a second member read a partition while the first still does, out of order. With
 * {@code noeviction} a full Redis refuses writes instead, and publishes fail visibly.
 * <p>
 * Where {@code CONFIG} is not allowed (many managed services rename it) the policy cannot
 * be read: a warning says to check it by hand. An unreachable Redis is left to the broker
 * start-up check, which says what to start.
 */
final class RedisEvictionPolicyCheck implements SmartInitializingSingleton {

	static final String SAFE_POLICY = "noeviction";

	private static final Log logger = LogFactory.getLog(RedisEvictionPolicyCheck.class);

	private static final Duration DEADLINE = Duration.ofMillis(2500);

	private final StringRedisTemplate template;

	RedisEvictionPolicyCheck(StringRedisTemplate template) {
		this.template = template;
	}

	@Override
	public void afterSingletonsInstantiated() {
		String policy;
		try {
			policy = policy();
		}
		catch (DataAccessResourceFailureException | TimeoutException ex) {
			logger.debug("Cannot reach Redis to read its maxmemory-policy: " + ex);
			return;
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot read Redis's maxmemory-policy (" + ex.getMessage() + "); make sure it is " + SAFE_POLICY
					+ ", or Redis may evict streams, dead letters and partition leases");
			return;
		}
		if (policy == null) {
			logger.warn("Redis did not say its maxmemory-policy; make sure it is " + SAFE_POLICY);
			return;
		}
		if (!SAFE_POLICY.equalsIgnoreCase(policy)) {
			throw new IllegalStateException("Redis's maxmemory-policy is '" + policy
					+ "': under memory pressure Redis would evict the messaging keys (" + consequence(policy)
					+ "). Set maxmemory-policy " + SAFE_POLICY
					+ " (redis.conf, or CONFIG SET maxmemory-policy noeviction) and size maxmemory for the "
					+ "streams' retention (mqlab.messaging.redis.retention)");
		}
	}

	private static String consequence(String policy) {
		return (policy != null && policy.startsWith("volatile"))
				? "partition leases and the member registry have a TTL: two members could read one partition"
				: "streams and dead letters: messages lost";
	}

	/** CONFIG GET on a thread of its own: connecting may take the connect timeout. */
	private String policy() throws TimeoutException {
		CompletableFuture<String> reply = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				Properties config = this.template
					.execute((RedisConnection connection) -> connection.serverCommands().getConfig("maxmemory-policy"));
				reply.complete((config != null) ? config.getProperty("maxmemory-policy") : null);
			}
			catch (Throwable ex) {
				reply.completeExceptionally(ex);
			}
		}, "mqlab-redis-policy-check");
		thread.setDaemon(true);
		thread.start();
		try {
			return reply.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while reading Redis's maxmemory-policy", ex);
		}
	}

}
