package io.mqlab.cdc;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code mqlab.cdc}.
 *
 * @param topic where the changes are published and read
 * @param source the captured PostgreSQL database
 * @param capture the capture role
 * @param sinks the sink roles
 */
@ConfigurationProperties("mqlab.cdc")
public record CdcSettings(@DefaultValue("cdc.catalog.products") String topic, @DefaultValue Source source,
		@DefaultValue Capture capture, @DefaultValue Sinks sinks) {

	/**
	 * @param concurrency messages of different products each sink handles at once
	 * @param batch the most changes a sink writes at once: those already in hand of one
	 * partition, in order (no waiting for more)
	 * @param cache the Redis cache
	 * @param search the OpenSearch index
	 * @param replica the MariaDB replica
	 */
	public record Sinks(@DefaultValue("4") int concurrency, @DefaultValue("500") int batch, @DefaultValue Cache cache,
			@DefaultValue Search search, @DefaultValue Replica replica) {

	}

	/**
	 * The captured database. The capture's user needs {@code LOGIN REPLICATION}, SELECT
	 * on the table, and INSERT/UPDATE on the heartbeat table.
	 *
	 * @param host PostgreSQL host
	 * @param port PostgreSQL port
	 * @param database the catalog's database
	 * @param username the capture's role
	 * @param password its password
	 * @param table the captured table, schema-qualified
	 * @param publication the publication of the table (created by the catalog's
	 * migration)
	 */
	public record Source(@DefaultValue("127.0.0.1") String host, @DefaultValue("5432") int port,
			@DefaultValue("catalog") String database, @DefaultValue("postgres") String username,
			@DefaultValue("") String password, @DefaultValue("public.products") String table,
			@DefaultValue("catalog_products") String publication) {

		public String jdbcUrl() {
			return "jdbc:postgresql://" + this.host + ":" + this.port + "/" + this.database;
		}

	}

	/**
	 * @param enabled whether this instance captures (one at a time does, the others wait)
	 * @param slot the replication slot (also names the advisory lock and the engine)
	 * @param offsetsTable the table of Debezium's JDBC offset store, in the source
	 * database
	 * @param heartbeatTable a table in the publication that the heartbeat writes to, so
	 * the slot moves on while the captured table is idle
	 * @param heartbeatInterval how often the heartbeat runs
	 * @param pollInterval how long the connector waits for changes between polls
	 * @param flushInterval how often the confirmed offsets are stored (and the slot's LSN
	 * confirmed): what a kill re-delivers at most
	 * @param lockPollInterval how often a waiting instance tries to take the capture over
	 * @param restartDelay wait before the engine is restarted after it failed
	 */
	public record Capture(@DefaultValue("true") boolean enabled, @DefaultValue("cdc_catalog_products") String slot,
			@DefaultValue("cdc_offsets") String offsetsTable, @DefaultValue("cdc_heartbeat") String heartbeatTable,
			@DefaultValue("5s") Duration heartbeatInterval, @DefaultValue("10ms") Duration pollInterval,
			@DefaultValue("1s") Duration flushInterval, @DefaultValue("1s") Duration lockPollInterval,
			@DefaultValue("2s") Duration restartDelay) {

	}

	/**
	 * @param enabled whether this instance runs the sink
	 * @param group the sink's consumer group
	 * @param keyPrefix prefix of every Redis key it writes
	 * @param tombstoneTtl how long a deleted product's LSN is remembered, so an older
	 * change redelivered within that time cannot bring it back
	 */
	public record Cache(@DefaultValue("true") boolean enabled, @DefaultValue("cdc-cache") String group,
			@DefaultValue("cdc") String keyPrefix, @DefaultValue("7d") Duration tombstoneTtl) {

	}

	/**
	 * @param enabled whether this instance runs the sink
	 * @param group the sink's consumer group
	 * @param url OpenSearch's address
	 * @param index the index of the products
	 * @param tombstoneTtl how long a deleted product's tombstone document stays
	 * @param concurrency bulk requests the sink sends at once (bounded by the topic's
	 * partitions): each carries a batch of changes, and OpenSearch's per-request translog
	 * fsync, not the documents, sets this sink's pace
	 */
	public record Search(@DefaultValue("true") boolean enabled, @DefaultValue("cdc-search") String group,
			@DefaultValue("http://127.0.0.1:9200") String url, @DefaultValue("products") String index,
			@DefaultValue("7d") Duration tombstoneTtl, @DefaultValue("4") int concurrency) {

	}

	/**
	 * @param enabled whether this instance runs the sink
	 * @param group the sink's consumer group
	 * @param url the replica database (MariaDB)
	 * @param username its user
	 * @param password its password
	 * @param tombstoneTtl how long a deleted product's tombstone row stays
	 */
	public record Replica(@DefaultValue("true") boolean enabled, @DefaultValue("cdc-replica") String group,
			@DefaultValue("jdbc:mariadb://127.0.0.1:3306/catalog_replica?createDatabaseIfNotExist=true") String url,
			@DefaultValue("root") String username, @DefaultValue("") String password,
			@DefaultValue("7d") Duration tombstoneTtl) {

	}

}
