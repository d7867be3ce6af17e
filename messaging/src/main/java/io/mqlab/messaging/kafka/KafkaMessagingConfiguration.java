package io.mqlab.messaging.kafka;

import java.util.EnumSet;

import io.mqlab.messaging.Backend;
import io.mqlab.messaging.BrokerProbe;
import io.mqlab.messaging.Capabilities;
import io.mqlab.messaging.Capability;
import io.mqlab.messaging.DeadLetters;
import io.mqlab.messaging.MessagePublisher;
import io.mqlab.messaging.MessageSubscriber;
import io.mqlab.messaging.autoconfigure.MessagingProperties;
import io.mqlab.messaging.autoconfigure.MessagingProperties.Kafka.DelayMode;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;

/**
 * Messaging over Kafka, on the clients Spring Boot configures from
 * {@code spring.kafka.*}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mqlab.messaging.backend", havingValue = "kafka")
final class KafkaMessagingConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Capabilities kafkaCapabilities(MessagingProperties properties) {
		Capabilities capabilities = Capabilities.of(Backend.KAFKA, Capability.PER_KEY_ORDER, Capability.FAN_OUT,
				Capability.REPLAY, Capability.RETENTION, Capability.BACKLOG, Capability.DELAYED_DELIVERY);
		if (properties.getKafka().getDelayMode() == DelayMode.CONSUMER_CHECK) {
			// records are checked one by one for their due time
			return capabilities;
		}
		EnumSet<Capability> batches = EnumSet.copyOf(capabilities.supported());
		batches.add(Capability.BATCHES);
		return new Capabilities(Backend.KAFKA, batches);
	}

	@Bean
	@ConditionalOnMissingBean
	KafkaClients kafkaMessagingClients(ProducerFactory<?, ?> producerFactory, ConsumerFactory<?, ?> consumerFactory,
			KafkaAdmin kafkaAdmin, KafkaConnectionDetails connectionDetails, MessagingProperties properties) {
		return new KafkaClients(producerFactory.getConfigurationProperties(),
				consumerFactory.getConfigurationProperties(), kafkaAdmin.getConfigurationProperties(),
				String.join(",", connectionDetails.getAdmin().getBootstrapServers()), properties.getPartitions(),
				properties.getKafka().getReplicationFactor(), properties.getKafka().getDelayPartitions(),
				properties.getPublishTimeout(), properties.getKafka().getDeadLetterRetention());
	}

	@Bean
	@ConditionalOnMissingBean
	KafkaDelays kafkaDelays(KafkaClients clients, MessagingProperties properties) {
		return new KafkaDelays(clients, properties.getKafka().getDelayMode() == DelayMode.CONSUMER_CHECK);
	}

	@Bean
	@ConditionalOnMissingBean
	MessagePublisher kafkaMessagePublisher(KafkaClients clients, KafkaDelays delays) {
		return new KafkaMessagePublisher(clients, delays);
	}

	@Bean
	@ConditionalOnMissingBean
	MessageSubscriber kafkaMessageSubscriber(KafkaClients clients, KafkaDelays delays) {
		return new KafkaMessageSubscriber(clients, delays);
	}

	@Bean
	@ConditionalOnMissingBean
	DeadLetters kafkaDeadLetters(KafkaClients clients, MessagingProperties properties) {
		return new KafkaDeadLetters(clients, properties.getKafka().getDeadLetterReplayChunk());
	}

	@Bean
	@ConditionalOnMissingBean
	BrokerProbe kafkaBrokerProbe(KafkaClients clients) {
		return new KafkaBrokerProbe(clients);
	}

}
