package io.mqlab.messaging.redis;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mqlab.messaging.listener.MessageListenerRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lifecycles stop from the highest phase down. The Redis subscriber stops after the web
 * server's graceful shutdown (phase {@code DEFAULT_PHASE - 1024}) and after the message
 * listeners; the publisher and delay mover after that, so an in-flight request or handler
 * can still publish, and before the connection factory.
 */
class RedisShutdownOrderTests {

	/** Spring Boot's {@code WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE}. */
	static final int GRACEFUL_SHUTDOWN_PHASE = Integer.MAX_VALUE - 1024;

	@Test
	void stopsAfterTheWebServersGracefulShutdownAndBeforeTheConnectionFactory() {
		int connectionFactory = new LettuceConnectionFactory().getPhase();
		int subscriber = new RedisMessageSubscriber(null, null, null, null).getPhase();
		assertThat(subscriber).isLessThan(GRACEFUL_SHUTDOWN_PHASE).isLessThan(MessageListenerRegistry.PHASE);
		for (int phase : new int[] { RedisMessagePublisher.PHASE, mover().getPhase() }) {
			assertThat(phase).isLessThan(subscriber).isGreaterThan(connectionFactory);
		}
	}

	private static RedisDelayMover mover() {
		return new RedisDelayMover(null, null, new SimpleMeterRegistry());
	}

}
