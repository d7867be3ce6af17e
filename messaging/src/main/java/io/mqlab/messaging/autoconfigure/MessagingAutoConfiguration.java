package io.mqlab.messaging.autoconfigure;

import java.util.Arrays;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mqlab.messaging.Backend;
import io.mqlab.messaging.BrokerProbe;
import io.mqlab.messaging.Capabilities;
import io.mqlab.messaging.DeadLetters;
import io.mqlab.messaging.MessagePublisher;
import io.mqlab.messaging.MessageSubscriber;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.MessagingMetrics;
import io.mqlab.messaging.idempotency.IdempotentConsumer;
import io.mqlab.messaging.listener.MessageListenerPostProcessor;
import io.mqlab.messaging.listener.MessageListenerRegistry;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Messaging over the one backend named by {@code mqlab.messaging.backend}. Like Spring
 * Boot's cache auto-configuration, it imports one package-private configuration per
 * backend, each guarded by that property.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
		"org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@EnableConfigurationProperties(MessagingProperties.class)
@Import({ MessagingAutoConfiguration.BackendConfigurationImportSelector.class, JdbcMessagingConfiguration.class })
public final class MessagingAutoConfiguration {

	private static final String[] BACKEND_CONFIGURATIONS = { "io.mqlab.messaging.kafka.KafkaMessagingConfiguration",
			"io.mqlab.messaging.rabbit.RabbitMessagingConfiguration",
			"io.mqlab.messaging.redis.RedisMessagingConfiguration",
			"io.mqlab.messaging.postgres.PostgresMessagingConfiguration" };

	@Bean
	@ConditionalOnMissingBean
	MessagingMetrics messagingMetrics(MessagingProperties properties, ObjectProvider<MeterRegistry> registry) {
		return new MessagingMetrics(registry.getIfAvailable(SimpleMeterRegistry::new), chosen(properties),
				properties.getBacklogInterval());
	}

	@Bean
	@ConditionalOnMissingBean
	Messaging messaging(MessagingProperties properties, ObjectProvider<Capabilities> capabilities,
			ObjectProvider<MessagePublisher> publisher, ObjectProvider<MessageSubscriber> subscriber,
			ObjectProvider<DeadLetters> deadLetters, ObjectProvider<JsonMapper> jsonMapper, MessagingMetrics metrics) {
		chosen(properties);
		Messaging.Settings settings = new Messaging.Settings(properties.getMaxPayloadBytes(),
				properties.getPublishTimeout(), properties.getConcurrency(), properties.getRetry().toSettings());
		return new Messaging(capabilities.getObject(), publisher.getObject(), subscriber.getObject(),
				deadLetters.getObject(), tolerant(jsonMapper.getIfAvailable(JsonMapper::shared)), metrics, settings);
	}

	@Bean
	@ConditionalOnMissingBean
	static MessageListenerPostProcessor messageListenerPostProcessor() {
		return new MessageListenerPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	MessageListenerRegistry messageListenerRegistry(Messaging messaging, MessageListenerPostProcessor methods,
			ObjectProvider<IdempotentConsumer> idempotentConsumer) {
		return new MessageListenerRegistry(messaging, methods, idempotentConsumer);
	}

	@Bean
	DeclaredGroups declaredGroups(Messaging messaging, MessagingProperties properties) {
		return new DeclaredGroups(messaging, properties.getDeclare());
	}

	@Bean
	@ConfigurationPropertiesBinding
	static BackendConverter backendConverter() {
		return new BackendConverter();
	}

	@Bean
	static BrokerStartupCheck brokerStartupCheck(ObjectProvider<BrokerProbe> probe,
			ObjectProvider<MessagingProperties> properties) {
		return new BrokerStartupCheck(probe, properties);
	}

	/**
	 * Messages are read tolerantly whatever the application's web settings: a consumer
	 * ignores fields it does not know, so producers can add some.
	 */
	private static JsonMapper tolerant(JsonMapper mapper) {
		return mapper.rebuild().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
	}

	static Backend chosen(MessagingProperties properties) {
		Backend backend = properties.getBackend();
		if (backend == null) {
			throw new IllegalStateException("No messaging backend chosen: set mqlab.messaging.backend to one of "
					+ Backend.ids() + " (the services' profiles of the same names do this)");
		}
		return backend;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	static class MessagingHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "messagingHealthIndicator")
		MessagingHealthIndicator messagingHealthIndicator(MessagingProperties properties,
				ObjectProvider<BrokerProbe> probe, ObjectProvider<MessageListenerRegistry> listeners) {
			Backend backend = chosen(properties);
			return new MessagingHealthIndicator(backend, probe.getObject(), listeners.getIfAvailable());
		}

	}

	static class BackendConfigurationImportSelector implements ImportSelector, BeanClassLoaderAware {

		private ClassLoader classLoader;

		@Override
		public void setBeanClassLoader(ClassLoader classLoader) {
			this.classLoader = classLoader;
		}

		/** Only the adapters on the classpath: a missing class would fail the import. */
		@Override
		public String[] selectImports(AnnotationMetadata importingClassMetadata) {
			return Arrays.stream(BACKEND_CONFIGURATIONS)
				.filter((name) -> ClassUtils.isPresent(name, this.classLoader))
				.toArray(String[]::new);
		}

	}

}
