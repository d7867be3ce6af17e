package io.mqlab.messaging.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only the chosen backend's client auto-configurations stay on.
 */
class BackendClientFilterTests {

	private static final String[] CANDIDATES = { "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
			"org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration",
			"org.springframework.boot.amqp.autoconfigure.health.RabbitHealthContributorAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
			"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration", null };

	@Test
	void keepsOnlyTheChosenBackendsClient() {
		assertThat(match(new MockEnvironment().withProperty("mqlab.messaging.backend", "rabbitmq")))
			.containsExactly(false, true, true, false, true, true);
	}

	@Test
	void keepsExtraClientsOnRequest() {
		assertThat(match(new MockEnvironment().withProperty("mqlab.messaging.backend", "kafka")
			.withProperty("mqlab.messaging.extra-clients", "redis")))
			.containsExactly(true, false, false, true, true, true);
	}

	@Test
	void keepsNoBrokerClientWithoutAValidBackend() {
		assertThat(match(new MockEnvironment().withProperty("mqlab.messaging.backend", "nope"))).containsExactly(false,
				false, false, false, true, true);
		assertThat(match(new MockEnvironment())).containsExactly(false, false, false, false, true, true);
	}

	private static boolean[] match(MockEnvironment environment) {
		BackendClientFilter filter = new BackendClientFilter();
		filter.setEnvironment(environment);
		return filter.match(CANDIDATES, null);
	}

}
