package io.mqlab.messaging.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mqlab.messaging.Backend;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.MessagingSchema;
import io.mqlab.messaging.idempotency.IdempotencyPurge;
import io.mqlab.messaging.idempotency.IdempotentConsumer;
import io.mqlab.messaging.outbox.Outbox;
import io.mqlab.messaging.outbox.OutboxRelay;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What needs the service's own PostgreSQL database, whatever the backend: the library's
 * tables, the idempotent-consumer helper and the transactional outbox.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBean({ DataSource.class, PlatformTransactionManager.class })
class JdbcMessagingConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MessagingSchema messagingSchema(DataSource dataSource) {
		return new MessagingSchema(dataSource);
	}

	@Bean
	@ConditionalOnMissingBean
	IdempotentConsumer idempotentConsumer(DataSource dataSource, PlatformTransactionManager transactionManager,
			MessagingSchema schema) {
		return new IdempotentConsumer(new JdbcTemplate(dataSource), new TransactionTemplate(transactionManager));
	}

	/**
	 * The purge of idempotency records. The windows it is checked against are those the
	 * library knows of: a Redis stream's retention (a rewind re-reads that far back) and
	 * a finite Kafka dead-letter retention (a dead letter can be a copy of a message
	 * handled before, replayed up to that late).
	 */
	@Bean
	@ConditionalOnMissingBean
	IdempotencyPurge idempotencyPurge(IdempotentConsumer idempotentConsumer, MessagingProperties properties) {
		Map<String, Duration> windows = new LinkedHashMap<>();
		if (properties.getBackend() == Backend.REDIS) {
			windows.put("mqlab.messaging.redis.retention", properties.getRedis().getRetention());
		}
		if (properties.getBackend() == Backend.KAFKA) {
			windows.put("mqlab.messaging.kafka.dead-letter-retention", properties.getKafka().getDeadLetterRetention());
		}
		MessagingProperties.Idempotency idempotency = properties.getIdempotency();
		return new IdempotencyPurge(idempotentConsumer, idempotency.getRetention(), idempotency.getPurgeInterval(),
				windows);
	}

	@Bean
	@ConditionalOnMissingBean
	Outbox outbox(DataSource dataSource, Messaging messaging, MessagingSchema schema) {
		return new Outbox(new JdbcTemplate(dataSource), messaging);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "mqlab.messaging.outbox.relay-enabled", matchIfMissing = true)
	OutboxRelay outboxRelay(DataSource dataSource, PlatformTransactionManager transactionManager, Messaging messaging,
			Outbox outbox, MessagingProperties properties, ObjectProvider<MeterRegistry> meters) {
		MessagingProperties.Outbox settings = properties.getOutbox();
		OutboxRelay relay = new OutboxRelay(new JdbcTemplate(dataSource), new TransactionTemplate(transactionManager),
				messaging, settings.getPollInterval(), settings.getBatchSize(), settings.getRetention(),
				properties.getPublishTimeout(), meters.getIfAvailable(SimpleMeterRegistry::new));
		outbox.onCommit(relay::wakeUp);
		return relay;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	static class OutboxHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "outboxHealthIndicator")
		@ConditionalOnBooleanProperty(name = "mqlab.messaging.outbox.relay-enabled", matchIfMissing = true)
		OutboxHealthIndicator outboxHealthIndicator(Outbox outbox, MessagingProperties properties) {
			return new OutboxHealthIndicator(outbox, properties.getOutbox().getMaxUnsentAge());
		}

	}

}
