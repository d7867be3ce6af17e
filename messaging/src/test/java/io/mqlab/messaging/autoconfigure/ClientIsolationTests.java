package io.mqlab.messaging.autoconfigure;

import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.contract.ContractApplication;
import io.mqlab.messaging.contract.TestBrokers;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In a real application with every client jar on the classpath, only the chosen backend's
 * client is configured: no stray connections, templates or health checks.
 */
class ClientIsolationTests {

	@Test
	void postgresBackendConfiguresNoKafkaRabbitOrRedisClient() {
		TestBrokers.Broker postgres = TestBrokers.postgres();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ContractApplication.class)
			.web(WebApplicationType.NONE)
			.properties("mqlab.messaging.backend=postgres", "spring.datasource.url=" + postgres.jdbcUrl(),
					"spring.datasource.username=" + postgres.username(),
					"spring.datasource.password=" + postgres.password(), "spring.flyway.enabled=false",
					"spring.main.banner-mode=off")
			.run()) {
			assertThat(context.getBean(Messaging.class).backend().id()).isEqualTo("postgres");
			assertThat(context.getBeanNamesForType(org.springframework.kafka.core.KafkaTemplate.class)).isEmpty();
			assertThat(context.getBeanNamesForType(org.springframework.amqp.rabbit.connection.ConnectionFactory.class))
				.isEmpty();
			assertThat(
					context.getBeanNamesForType(org.springframework.data.redis.connection.RedisConnectionFactory.class))
				.isEmpty();
			assertThat(context.containsBean("rabbitHealthContributor")).isFalse();
			assertThat(context.containsBean("redisHealthContributor")).isFalse();
			assertThat(context.containsBean("messagingHealthIndicator")).isTrue();
		}
	}

}
