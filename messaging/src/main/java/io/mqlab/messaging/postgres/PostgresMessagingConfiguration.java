package io.mqlab.messaging.postgres;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.mqlab.messaging.Backend;
import io.mqlab.messaging.BrokerProbe;
import io.mqlab.messaging.Capabilities;
import io.mqlab.messaging.Capability;
import io.mqlab.messaging.DeadLetters;
import io.mqlab.messaging.MessagePublisher;
import io.mqlab.messaging.MessageSubscriber;
import io.mqlab.messaging.MessagingSchema;
import io.mqlab.messaging.autoconfigure.MessagingProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Messaging over PostgreSQL tables: a delivery row per group and message, claimed with
 * {@code FOR UPDATE SKIP LOCKED} under a lease, woken by LISTEN/NOTIFY. The queue lives
 * in the service's DataSource unless {@code mqlab.messaging.postgres.url} names a
 * database of its own. Delayed messages are rows that become claimable at their due time
 * (see {@link QueueTable}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mqlab.messaging.backend", havingValue = "postgres")
final class PostgresMessagingConfiguration {

	@Bean
	@ConditionalOnMissingBean
	QueueDatabase postgresQueueDatabase(MessagingProperties properties, ObjectProvider<DataSource> dataSource,
			ObjectProvider<MessagingSchema> schema, Environment environment) {
		if (StringUtils.hasText(properties.getPostgres().getUrl())) {
			return QueueDatabase.separate(properties);
		}
		DataSource service = dataSource.getIfUnique();
		if (service == null) {
			throw new IllegalStateException("The postgres messaging backend needs a DataSource: set "
					+ "spring.datasource.url, or mqlab.messaging.postgres.url for a queue database of its own");
		}
		// The queue tables are created by the library's schema migration on that
		// DataSource.
		if (schema.getIfAvailable() == null) {
			new MessagingSchema(service).afterPropertiesSet();
		}
		String url = (service instanceof HikariDataSource hikari) ? hikari.getJdbcUrl()
				: environment.getProperty("spring.datasource.url");
		return QueueDatabase.shared(service, url);
	}

	@Bean
	@ConditionalOnMissingBean
	Capabilities capabilities() {
		return Capabilities.of(Backend.POSTGRES, Capability.PER_KEY_ORDER, Capability.FAN_OUT, Capability.BACKLOG,
				Capability.DELAYED_DELIVERY, Capability.BATCHES);
	}

	@Bean
	@ConditionalOnMissingBean
	MessagePublisher messagePublisher(QueueDatabase database, MessagingProperties properties) {
		return new PostgresMessagePublisher(database, properties.getPublishTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	MessageSubscriber messageSubscriber(QueueDatabase database, MessagingProperties properties) {
		MessagingProperties.Postgres settings = properties.getPostgres();
		return new PostgresMessageSubscriber(database, new QueueTable(database, properties.getVisibilityTimeout()),
				settings.getPollInterval(), settings.getBatchSize(), settings.getVacuumInterval());
	}

	@Bean
	@ConditionalOnMissingBean
	DeadLetters deadLetters(QueueDatabase database) {
		return new PostgresDeadLetters(database);
	}

	@Bean
	@ConditionalOnMissingBean
	BrokerProbe brokerProbe(QueueDatabase database) {
		return new PostgresBrokerProbe(database);
	}

}
