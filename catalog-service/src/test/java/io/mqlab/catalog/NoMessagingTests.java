package io.mqlab.catalog;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catalog knows nothing about messaging: cdc-service takes its changes from the
 * database's log. Neither the messaging library nor a broker client is on its classpath
 * (service-support, its one project dependency, must not bring one).
 */
class NoMessagingTests {

	@ParameterizedTest
	@ValueSource(strings = { "io.mqlab.messaging.MessagePublisher", "org.apache.kafka.clients.producer.KafkaProducer",
			"com.rabbitmq.client.ConnectionFactory", "io.lettuce.core.RedisClient" })
	void isNotOnTheClasspath(String className) {
		assertThat(ClassUtils.isPresent(className, getClass().getClassLoader())).isFalse();
	}

}
