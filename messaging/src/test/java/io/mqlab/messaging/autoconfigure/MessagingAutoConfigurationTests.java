package io.mqlab.messaging.autoconfigure;

import io.mqlab.messaging.Backend;
import io.mqlab.messaging.BrokerUnavailableException;
import io.mqlab.messaging.Capabilities;
import io.mqlab.messaging.DeadLetters;
import io.mqlab.messaging.MessagePublisher;
import io.mqlab.messaging.MessageSubscriber;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.contract.TestBrokers;
import io.mqlab.messaging.idempotency.IdempotentConsumer;
import io.mqlab.messaging.kafka.ProxiedKafkaBroker;
import io.mqlab.messaging.outbox.Outbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One property picks one backend; a missing or unknown value, or a broker that does not
 * answer, fails start-up with a message that says what to do.
 */
class MessagingAutoConfigurationTests {

	private static ProxiedKafkaBroker kafka;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MessagingAutoConfiguration.class, KafkaAutoConfiguration.class,
				RabbitAutoConfiguration.class, DataRedisAutoConfiguration.class, DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + TestBrokers.postgres().jdbcUrl(),
				"spring.datasource.username=" + TestBrokers.postgres().username(),
				"spring.datasource.password=" + TestBrokers.postgres().password())
		.withPropertyValues(rabbitProperties())
		.withPropertyValues("spring.data.redis.host=" + TestBrokers.redis().host(),
				"spring.data.redis.port=" + TestBrokers.redis().port());

	@BeforeAll
	static void startKafka() {
		TestBrokers.postgres();
		TestBrokers.rabbit();
		TestBrokers.redis();
		kafka = ProxiedKafkaBroker.start();
	}

	@AfterAll
	static void stopKafka() {
		kafka.close();
	}

	private static String[] rabbitProperties() {
		TestBrokers.Broker rabbit = TestBrokers.rabbit();
		return new String[] { "spring.rabbitmq.host=" + rabbit.host(), "spring.rabbitmq.port=" + rabbit.port(),
				"spring.rabbitmq.username=" + rabbit.username(), "spring.rabbitmq.password=" + rabbit.password() };
	}

	@ParameterizedTest
	@CsvSource({ "kafka, Kafka", "rabbitmq, Rabbit", "redis, Redis", "postgres, Postgres", "KAFKA, Kafka" })
	void eachValueActivatesExactlyThatBackend(String value, String tech) {
		this.runner
			.withPropertyValues("mqlab.messaging.backend=" + value,
					"spring.kafka.bootstrap-servers=" + kafka.bootstrapServers())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(Messaging.class)
					.hasSingleBean(Capabilities.class)
					.hasSingleBean(MessagePublisher.class)
					.hasSingleBean(MessageSubscriber.class)
					.hasSingleBean(DeadLetters.class);
				assertThat(context.getBean(Capabilities.class).backend()).isEqualTo(Backend.of(value));
				assertThat(context.getBean(MessagePublisher.class).getClass().getSimpleName())
					.isEqualTo(tech + "MessagePublisher");
				assertThat(context.getBean(MessageSubscriber.class).getClass().getSimpleName())
					.isEqualTo(tech + "MessageSubscriber");
				assertThat(context.getBean(DeadLetters.class).getClass().getSimpleName())
					.isEqualTo(tech + "DeadLetters");
				assertThat(context).hasSingleBean(Outbox.class).hasSingleBean(IdempotentConsumer.class);
			});
	}

	@Test
	void anUnknownValueFailsWithTheValidChoices() {
		this.runner.withPropertyValues("mqlab.messaging.backend=activemq").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootMessage(context)).contains("Unknown messaging backend 'activemq'")
				.contains("kafka, rabbitmq, redis, postgres");
		});
	}

	@Test
	void noValueFailsSayingWhatToSet() {
		this.runner.run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootMessage(context)).contains("No messaging backend chosen")
				.contains("set mqlab.messaging.backend");
		});
	}

	@Test
	void anUnreachableBrokerFailsStartUpSayingWhatToStart() {
		this.runner.withPropertyValues("mqlab.messaging.backend=kafka", "spring.kafka.bootstrap-servers=127.0.0.1:1")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).isInstanceOf(BrokerUnavailableException.class)
					.hasMessageContaining("Cannot reach the kafka broker at 127.0.0.1:1");
			});
	}

	@Test
	void withoutADataSourceThereIsNoOutboxButMessagingWorks() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MessagingAutoConfiguration.class, RabbitAutoConfiguration.class,
					JacksonAutoConfiguration.class))
			.withPropertyValues("mqlab.messaging.backend=rabbitmq")
			.withPropertyValues(rabbitProperties())
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(Messaging.class);
				assertThat(context).doesNotHaveBean(Outbox.class).doesNotHaveBean(IdempotentConsumer.class);
			});
	}

	private static String rootMessage(AssertableApplicationContext context) {
		Throwable failure = context.getStartupFailure();
		StringBuilder messages = new StringBuilder();
		while (failure != null) {
			messages.append(failure.getMessage()).append('\n');
			failure = failure.getCause();
		}
		return messages.toString();
	}

}
