package io.mqlab.messaging.rabbit;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.Backend;
import io.mqlab.messaging.BrokerProbe;
import io.mqlab.messaging.Capabilities;
import io.mqlab.messaging.Capability;
import io.mqlab.messaging.DeadLetters;
import io.mqlab.messaging.MessagePublisher;
import io.mqlab.messaging.MessageSubscriber;
import io.mqlab.messaging.autoconfigure.MessagingProperties;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.amqp.autoconfigure.CachingConnectionFactoryConfigurer;
import org.springframework.boot.amqp.autoconfigure.RabbitProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Messaging over RabbitMQ (AMQP 0-9-1): a direct exchange per topic, per group one
 * single-active-consumer queue per partition, publisher confirms, a dead-letter queue per
 * group, delayed delivery through the delayed-message plugin or TTL tiers
 * ({@link RabbitDelays}). Connects with Boot's {@code spring.rabbitmq.*} settings.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mqlab.messaging.backend", havingValue = "rabbitmq")
final class RabbitMessagingConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Capabilities capabilities() {
		return Capabilities.of(Backend.RABBITMQ, Capability.PER_KEY_ORDER, Capability.FAN_OUT, Capability.PRIORITY,
				Capability.BACKLOG, Capability.DELAYED_DELIVERY, Capability.BATCHES);
	}

	@Bean
	@ConditionalOnMissingBean
	RabbitConnections mqlabRabbitConnections(ObjectProvider<ConnectionFactory> connectionFactory,
			ObjectProvider<CachingConnectionFactoryConfigurer> configurer, ObjectProvider<RabbitProperties> rabbit,
			MessagingProperties properties) {
		ConnectionFactory application = connectionFactory.getIfAvailable();
		if (application == null) {
			throw new IllegalStateException("mqlab.messaging.backend=rabbitmq needs Spring Boot's RabbitMQ "
					+ "auto-configuration (spring-boot-starter-amqp) or a RabbitMQ ConnectionFactory bean");
		}
		RabbitProperties rabbitProperties = rabbit.getIfAvailable();
		Duration connectionTimeout = (rabbitProperties != null) ? rabbitProperties.getConnectionTimeout() : null;
		return new RabbitConnections(application, configurer.getIfAvailable(), connectionTimeout,
				properties.getPublishTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	RabbitTopology mqlabRabbitTopology(RabbitConnections connections, MessagingProperties properties) {
		return new RabbitTopology(properties.getPartitions(), connections.template());
	}

	@Bean
	@ConditionalOnMissingBean
	RabbitDelays mqlabRabbitDelays(RabbitConnections connections) {
		return new RabbitDelays(connections.template(),
				() -> connections.newProbeConnectionFactory("mqlab delayed-message plugin check"));
	}

	@Bean
	@ConditionalOnMissingBean
	MessagePublisher messagePublisher(RabbitConnections connections, RabbitTopology topology, RabbitDelays delays,
			MessagingProperties properties, ObjectProvider<MeterRegistry> meters) {
		return new RabbitMessagePublisher(connections.template(), topology, delays, properties.getPublishTimeout(),
				meters.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	MessageSubscriber messageSubscriber(RabbitConnections connections, RabbitTopology topology,
			MessagingProperties properties) {
		MessagingProperties.Rabbitmq settings = properties.getRabbitmq();
		return new RabbitMessageSubscriber(connections, topology,
				new RabbitDeadLetters(connections.template(), topology, properties.getPublishTimeout()),
				settings.getPrefetch(), settings.getMonitorInterval(), settings.getShutdownTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	DeadLetters deadLetters(RabbitConnections connections, RabbitTopology topology, MessagingProperties properties) {
		return new RabbitDeadLetters(connections.template(), topology, properties.getPublishTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	BrokerProbe brokerProbe(RabbitConnections connections) {
		return new RabbitBrokerProbe(connections.template(), connections.location());
	}

}
