package io.mqlab.cdc.capture;

import java.util.Properties;

import io.mqlab.cdc.CdcSettings;

/** The embedded engine's configuration, from this service's settings. */
final class DebeziumProperties {

	private DebeziumProperties() {
	}

	static Properties of(CdcSettings settings, String heartbeatQuery) {
		CdcSettings.Source source = settings.source();
		CdcSettings.Capture capture = settings.capture();
		Properties properties = new Properties();
		properties.setProperty("name", "cdc-" + capture.slot());
		properties.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
		// offsets in the source database: they survive the JVM and any broker
		properties.setProperty("offset.storage", "io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore");
		properties.setProperty("offset.storage.jdbc.connection.url", source.jdbcUrl());
		properties.setProperty("offset.storage.jdbc.connection.user", source.username());
		// the store refuses an empty password; a server that trusts the user ignores it
		properties.setProperty("offset.storage.jdbc.connection.password",
				source.password().isEmpty() ? "unused" : source.password());
		properties.setProperty("offset.storage.jdbc.table.name", Identifiers.require(capture.offsetsTable()));
		// at its 60 s default a kill -9 re-delivered most of a minute's changes
		properties.setProperty("offset.flush.interval.ms", Long.toString(capture.flushInterval().toMillis()));
		properties.setProperty("offset.flush.timeout.ms", "10000");
		properties.setProperty("database.hostname", source.host());
		properties.setProperty("database.port", Integer.toString(source.port()));
		properties.setProperty("database.user", source.username());
		properties.setProperty("database.password", source.password());
		properties.setProperty("database.dbname", source.database());
		properties.setProperty("topic.prefix", "catalog");
		properties.setProperty("plugin.name", "pgoutput");
		properties.setProperty("slot.name", capture.slot());
		// a slot still held by a killed instance's walsender is free again within seconds
		properties.setProperty("slot.max.retries", "30");
		properties.setProperty("slot.retry.delay.ms", "1000");
		properties.setProperty("publication.name", source.publication());
		// a role with only REPLICATION cannot create it: the catalog's migration does
		properties.setProperty("publication.autocreate.mode", "disabled");
		properties.setProperty("table.include.list", source.table());
		properties.setProperty("snapshot.mode", "initial");
		// NUMERIC arrives base64-encoded otherwise
		properties.setProperty("decimal.handling.mode", "string");
		properties.setProperty("tombstones.on.delete", "false");
		// the default 500 ms gave ~0.5 s commit to event; 10 ms gave p99 ~20 ms
		properties.setProperty("poll.interval.ms", Long.toString(capture.pollInterval().toMillis()));
		properties.setProperty("max.batch.size", "1024");
		properties.setProperty("max.queue.size", "8192");
		properties.setProperty("heartbeat.interval.ms", Long.toString(capture.heartbeatInterval().toMillis()));
		properties.setProperty("heartbeat.action.query", heartbeatQuery);
		// retriable errors (a lost connection) restart the connector inside the engine
		properties.setProperty("errors.max.retries", "-1");
		properties.setProperty("errors.retry.delay.initial.ms", "500");
		properties.setProperty("errors.retry.delay.max.ms", "10000");
		return properties;
	}

}
