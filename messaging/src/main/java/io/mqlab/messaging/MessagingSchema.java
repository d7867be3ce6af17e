package io.mqlab.messaging;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

import org.springframework.beans.factory.InitializingBean;

/**
 * Creates and migrates the library's own tables (outbox, processed messages, the
 * PostgreSQL queue) with Flyway, in a history table of its own so it never mixes with the
 * service's migrations.
 */
public class MessagingSchema implements InitializingBean {

	private final DataSource dataSource;

	public MessagingSchema(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	@Override
	public void afterPropertiesSet() {
		Flyway.configure()
			.dataSource(this.dataSource)
			.table("mqlab_schema_history")
			.locations("classpath:io/mqlab/messaging/db")
			.baselineOnMigrate(true)
			.baselineVersion("0")
			.load()
			.migrate();
	}

}
