package io.mqlab.messaging.contract;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * {@code @ServiceConnection} beans for tests with a Spring Boot test context
 * ({@code @SpringBootTest}): {@code @Import} the brokers a test uses. Where the run's
 * brokers are containers ({@link TestBrokers#containers()}), Spring Boot connects the
 * context to the shared container, and its connection details win over the
 * {@code spring.*} connection properties the test sets; on the local path there is no
 * bean and those properties apply as before.
 */
public final class TestBrokerConnections {

	private TestBrokerConnections() {
	}

	@TestConfiguration(proxyBeanMethods = false)
	@Conditional(OnContainers.class)
	public static class Postgres {

		@Bean
		@ServiceConnection
		PostgreSQLContainer mqlabTestPostgres() {
			return TestBrokers.postgresContainer();
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	@Conditional(OnContainers.class)
	public static class Redis {

		@Bean
		@ServiceConnection(name = "redis")
		GenericContainer<?> mqlabTestRedis() {
			return TestBrokers.redisContainer();
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	@Conditional(OnContainers.class)
	public static class Rabbit {

		@Bean
		@ServiceConnection
		RabbitMQContainer mqlabTestRabbit() {
			return TestBrokers.rabbitContainer();
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	@Conditional(OnContainers.class)
	public static class Kafka {

		@Bean
		@ServiceConnection
		KafkaContainer mqlabTestKafka() {
			return TestBrokers.kafkaContainer();
		}

	}

	static class OnContainers implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return TestBrokers.containers();
		}

	}

}
