package io.mqlab.messaging.redis;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis publisher and delay mover stop after Spring Boot's graceful shutdown of the
 * web server (phase {@code DEFAULT_PHASE - 1024}; lifecycles stop from the highest phase
 * down), so an in-flight request can still publish, and before the connection factory.
 */
class RedisShutdownOrderTests {

	/** Spring Boot's {@code WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE}. */
	static final int GRACEFUL_SHUTDOWN_PHASE = Integer.MAX_VALUE - 1024;

	@Test
	void stopsAfterTheWebServersGracefulShutdownAndBeforeTheConnectionFactory() {
		int connectionFactory = new LettuceConnectionFactory().getPhase();
		for (int phase : new int[] { RedisMessagePublisher.PHASE, mover().getPhase() }) {
			assertThat(phase).isLessThan(GRACEFUL_SHUTDOWN_PHASE).isGreaterThan(connectionFactory);
		}
	}

	private static RedisDelayMover mover() {
		return new RedisDelayMover(null, null, new SimpleMeterRegistry());
	}

}
