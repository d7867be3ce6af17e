package io.mqlab.messaging.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mqlab.messaging.Backend;
import io.mqlab.messaging.BrokerProbe;
import io.mqlab.messaging.Capabilities;
import io.mqlab.messaging.Capability;
import io.mqlab.messaging.DeadLetters;
import io.mqlab.messaging.MessagePublisher;
import io.mqlab.messaging.MessageSubscriber;
import io.mqlab.messaging.autoconfigure.MessagingProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Messaging over Redis Streams, through Boot's auto-configured Lettuce connection factory
 * ({@code spring.data.redis.*}).
 * <p>
 * Each topic is {@code mqlab.messaging.partitions} streams; a key always goes to the same
 * stream; each group is a Redis consumer group on every stream of the topic, so every
 * group gets every message and, within a group, each partition has one reader at a time
 * (leases, see {@link RedisSubscription}). Streams keep entries after every group read
 * them (RETENTION) and a group can be moved back with XGROUP SETID (REPLAY), for
 * {@code mqlab.messaging.redis.retention}; then {@link RedisStreamTrimmer} removes them,
 * never an entry a group has not acknowledged. Start-up fails unless Redis's
 * {@code maxmemory-policy} is {@code noeviction} ({@link RedisEvictionPolicyCheck}).
 * <p>
 * Durability: a publish completes with the XADD reply, which means the entry is in the
 * Redis server's memory. Only persistence makes that survive a restart: with AOF and
 * {@code appendfsync always} the write is on disk before the reply; with
 * {@code appendfsync everysec} (the usual setting) up to about a second of writes can be
 * lost on a crash; with RDB snapshots only, everything since the last snapshot. Without
 * persistence (as this project's local Redis runs: {@code --save '' --appendonly no}) a
 * restart loses every stream, group, pending entry, lease and dead letter; consumers then
 * re-create their groups and carry on with what is published afterwards. Replication is
 * asynchronous unless the WAIT command is used, so a failover can lose acknowledged
 * writes too.
 * <p>
 * Delayed delivery: a message not yet due waits in a sorted set per partition stream,
 * scored by due time, and {@link RedisDelayMover} moves it into the stream when due
 * (atomically, by a Lua script, from any instance). It survives a restart of any service
 * (it is in Redis, not in a process), and a restart of Redis only as far as persistence
 * goes, like the streams: with AOF a move is logged as one transaction of its effects
 * (never half a move), {@code appendfsync everysec} can lose about the last second of
 * delayed publishes and moves, RDB alone everything since the last snapshot; without
 * persistence (this project's local Redis) every pending delayed message is lost, along
 * with the streams. Ordering: a delayed message enters its partition stream when it is
 * due, after what was published to it meanwhile, so delayed messages are not ordered
 * relative to immediate ones, and among themselves only by due time (equal due times in
 * no defined order). Pending delayed messages are not in a group's backlog until moved.
 * <p>
 * Lettuce is tuned so publishing fails fast while Redis is unreachable instead of
 * queueing commands for up to its default 60 s: commands are rejected while disconnected,
 * the command timeout defaults to the publish timeout (unless
 * {@code spring.data.redis.timeout} is set) and reconnect attempts back off to at most
 * {@code mqlab.messaging.redis.max-reconnect-delay}. These customizers run first, so an
 * application's own customizers still win.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mqlab.messaging.backend", havingValue = "redis")
final class RedisMessagingConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Capabilities capabilities() {
		return Capabilities.of(Backend.REDIS, Capability.PER_KEY_ORDER, Capability.FAN_OUT, Capability.REPLAY,
				Capability.RETENTION, Capability.BACKLOG, Capability.DELAYED_DELIVERY, Capability.BATCHES);
	}

	@Bean
	RedisStreamTrimmer redisStreamTrimmer(RedisConnectionFactory connectionFactory, MessagingProperties properties) {
		MessagingProperties.Redis redis = properties.getRedis();
		return new RedisStreamTrimmer(template(connectionFactory), topology(properties), redis.getRetention(),
				redis.getTrimInterval());
	}

	@Bean
	RedisEvictionPolicyCheck redisEvictionPolicyCheck(RedisConnectionFactory connectionFactory) {
		return new RedisEvictionPolicyCheck(template(connectionFactory));
	}

	@Bean
	RedisDelayMover redisDelayMover(RedisConnectionFactory connectionFactory, MessagingProperties properties,
			ObjectProvider<MeterRegistry> meters) {
		return new RedisDelayMover(template(connectionFactory), topology(properties),
				meters.getIfAvailable(SimpleMeterRegistry::new));
	}

	@Bean
	@ConditionalOnMissingBean
	MessagePublisher messagePublisher(RedisConnectionFactory connectionFactory, MessagingProperties properties,
			RedisDelayMover mover, RedisStreamTrimmer trimmer) {
		return new RedisMessagePublisher(template(connectionFactory), topology(properties),
				properties.getPublishTimeout(), mover, trimmer);
	}

	@Bean
	@ConditionalOnMissingBean
	MessageSubscriber messageSubscriber(RedisConnectionFactory connectionFactory, MessagingProperties properties,
			RedisStreamTrimmer trimmer) {
		MessagingProperties.Redis redis = properties.getRedis();
		Duration block = redis.getBlockTimeout();
		if (connectionFactory instanceof LettuceConnectionFactory lettuce && lettuce.getTimeout() > 0) {
			// A blocking read must return before the command timeout fails it.
			block = min(block, Duration.ofMillis(lettuce.getTimeout() / 2));
		}
		block = max(block, Duration.ofMillis(10));
		return new RedisMessageSubscriber(template(connectionFactory), topology(properties),
				new RedisMessageSubscriber.Settings(properties.getVisibilityTimeout(), redis.getBatchSize(), block),
				trimmer);
	}

	@Bean
	@ConditionalOnMissingBean
	DeadLetters deadLetters(RedisConnectionFactory connectionFactory, MessagingProperties properties) {
		return new RedisDeadLetters(template(connectionFactory), topology(properties));
	}

	@Bean
	@ConditionalOnMissingBean
	BrokerProbe brokerProbe(RedisConnectionFactory connectionFactory) {
		return new RedisBrokerProbe(template(connectionFactory), connectionFactory);
	}

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	LettuceClientOptionsBuilderCustomizer mqlabRedisClientOptions() {
		return (builder) -> builder.autoReconnect(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
	}

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	LettuceClientConfigurationBuilderCustomizer mqlabRedisCommandTimeout(ObjectProvider<DataRedisProperties> redis,
			MessagingProperties properties) {
		return (builder) -> {
			DataRedisProperties configured = redis.getIfAvailable();
			if (configured == null || configured.getTimeout() == null) {
				Duration block = properties.getRedis().getBlockTimeout();
				builder.commandTimeout(max(properties.getPublishTimeout(), block.plus(block).plusSeconds(1)));
			}
		};
	}

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	ClientResourcesBuilderCustomizer mqlabRedisReconnectDelay(MessagingProperties properties) {
		Duration max = properties.getRedis().getMaxReconnectDelay();
		return (builder) -> builder
			.reconnectDelay(Delay.exponential(min(Duration.ofMillis(50), max), max, 2, TimeUnit.MILLISECONDS));
	}

	/**
	 * A template of the adapter's own, so the application's template settings (e.g.
	 * transaction support) cannot change how it talks to Redis.
	 */
	private static StringRedisTemplate template(RedisConnectionFactory connectionFactory) {
		return new StringRedisTemplate(connectionFactory);
	}

	private static RedisTopology topology(MessagingProperties properties) {
		return new RedisTopology(properties.getRedis().getKeyPrefix(), properties.getPartitions());
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

}
