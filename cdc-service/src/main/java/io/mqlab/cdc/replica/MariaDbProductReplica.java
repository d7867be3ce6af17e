package io.mqlab.cdc.replica;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.cdc.CdcSettings;
import io.mqlab.cdc.change.Product;
import io.mqlab.cdc.change.ProductChanged;
import io.mqlab.cdc.sink.ProductSink;
import io.mqlab.cdc.sink.SinkProgress;
import io.mqlab.messaging.listener.MessageListener;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The replica sink: the products in MariaDB, a heterogeneous replica (its own types, a
 * {@code source_lsn} version column). A batch of changes is one JDBC batch in one
 * transaction; a change is an upsert whose every column is taken only when the change's
 * LSN is higher than the row's; a delete leaves a tombstone row (purged after
 * {@code tombstone-ttl}) so an older change redelivered later cannot bring the product
 * back.
 */
@Component
@ConditionalOnBooleanProperty(name = "mqlab.cdc.sinks.replica.enabled", matchIfMissing = true)
public class MariaDbProductReplica implements ProductSink, DisposableBean {

	private static final String DDL = """
			CREATE TABLE IF NOT EXISTS products (
			    sku         VARCHAR(64)    NOT NULL PRIMARY KEY,
			    name        VARCHAR(200),
			    description VARCHAR(2000),
			    price       DECIMAL(12,2),
			    currency    CHAR(3),
			    stock       INT,
			    tags        TEXT,
			    version     BIGINT,
			    updated_at  DATETIME(6),
			    source_lsn  BIGINT         NOT NULL,
			    deleted     BOOLEAN        NOT NULL DEFAULT FALSE,
			    changed_at  DATETIME(6)    NOT NULL,
			    KEY products_tombstones (deleted, changed_at)
			) CHARACTER SET utf8mb4
			""";

	// each column is assigned before source_lsn, which is assigned last: MariaDB
	// evaluates
	// the assignments in order, so the comparisons see the old LSN
	private static final String UPSERT = """
			INSERT INTO products (sku, name, description, price, currency, stock, tags, version, updated_at,
			    source_lsn, deleted, changed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON DUPLICATE KEY UPDATE
			    name = IF(VALUES(source_lsn) > source_lsn, VALUES(name), name),
			    description = IF(VALUES(source_lsn) > source_lsn, VALUES(description), description),
			    price = IF(VALUES(source_lsn) > source_lsn, VALUES(price), price),
			    currency = IF(VALUES(source_lsn) > source_lsn, VALUES(currency), currency),
			    stock = IF(VALUES(source_lsn) > source_lsn, VALUES(stock), stock),
			    tags = IF(VALUES(source_lsn) > source_lsn, VALUES(tags), tags),
			    version = IF(VALUES(source_lsn) > source_lsn, VALUES(version), version),
			    updated_at = IF(VALUES(source_lsn) > source_lsn, VALUES(updated_at), updated_at),
			    deleted = IF(VALUES(source_lsn) > source_lsn, VALUES(deleted), deleted),
			    changed_at = IF(VALUES(source_lsn) > source_lsn, VALUES(changed_at), changed_at),
			    source_lsn = GREATEST(source_lsn, VALUES(source_lsn))
			""";

	private static final String COLUMNS = "sku, name, description, price, currency, stock, tags, version, updated_at";

	private static final TypeReference<List<String>> TAGS = new TypeReference<>() {
	};

	private final HikariDataSource dataSource = new HikariDataSource();

	private final JdbcClient jdbc;

	private final JdbcTemplate batch;

	private final TransactionTemplate transaction;

	private final JsonMapper json;

	private final CdcSettings.Replica settings;

	private final SinkProgress progress;

	MariaDbProductReplica(CdcSettings settings, JsonMapper json, MeterRegistry meters) {
		this.settings = settings.sinks().replica();
		this.json = json;
		this.dataSource.setJdbcUrl(this.settings.url());
		this.dataSource.setUsername(this.settings.username());
		this.dataSource.setPassword(this.settings.password());
		this.dataSource.setPoolName("cdc-replica");
		this.dataSource.setMaximumPoolSize(settings.sinks().concurrency() + 2);
		// 0 rows when the row held a newer LSN (found rows would say 1)
		this.dataSource.addDataSourceProperty("useAffectedRows", "true");
		this.jdbc = JdbcClient.create(this.dataSource);
		this.batch = new JdbcTemplate(this.dataSource);
		this.transaction = new TransactionTemplate(new JdbcTransactionManager(this.dataSource));
		// no gap locks: concurrent batches insert next to each other
		this.transaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
		this.jdbc.sql(DDL).update();
		this.progress = new SinkProgress(name(), meters);
	}

	@MessageListener(topic = "${mqlab.cdc.topic:cdc.catalog.products}",
			group = "${mqlab.cdc.sinks.replica.group:cdc-replica}", concurrency = "${mqlab.cdc.sinks.concurrency:4}",
			batch = "${mqlab.cdc.sinks.batch:500}")
	void on(List<ProductChanged> changes) {
		// by SKU (each SKU's changes keep their order): transactions of two threads lock
		// rows in the same order
		List<ProductChanged> bySku = changes.stream().sorted(Comparator.comparing(ProductChanged::sku)).toList();
		Instant now = Instant.now();
		List<Object[]> rows = new ArrayList<>(bySku.size());
		for (ProductChanged change : bySku) {
			Product row = change.deletes() ? change.before() : change.after();
			rows.add(new Object[] { row.sku(), row.name(), row.description(), row.price(), row.currency(), row.stock(),
					this.json.writeValueAsString(row.tags()), row.version(), utc(row.updatedAt()), change.sinkVersion(),
					change.deletes(), utc(now) });
		}
		int[] counts = this.transaction.execute((status) -> this.batch.batchUpdate(UPSERT, rows));
		this.progress.batch(changes.size());
		for (int i = 0; i < bySku.size(); i++) {
			// 0: the row held a newer LSN; SUCCESS_NO_INFO when the driver sent the batch
			// as one
			this.progress.handled(bySku.get(i), counts == null || counts[i] != 0);
		}
	}

	/** Forgets deletes older than the tombstone TTL, a batch at a time. */
	@Scheduled(fixedDelayString = "${mqlab.cdc.sinks.replica.purge-interval:10m}")
	void purgeTombstones() {
		LocalDateTime before = utc(Instant.now().minus(this.settings.tombstoneTtl()));
		while (this.jdbc.sql("DELETE FROM products WHERE deleted AND changed_at < ? LIMIT 5000")
			.param(before)
			.update() == 5000) {
			// next batch
		}
	}

	@Override
	public String name() {
		return "replica";
	}

	@Override
	public Map<String, Product> read(Collection<String> skus) {
		Map<String, Product> rows = new LinkedHashMap<>();
		if (skus.isEmpty()) {
			return rows;
		}
		this.jdbc.sql("SELECT " + COLUMNS + " FROM products WHERE NOT deleted AND sku IN (:skus)")
			.param("skus", skus)
			.query((rs, n) -> product(rs))
			.list()
			.forEach((product) -> rows.put(product.sku(), product));
		return rows;
	}

	@Override
	public void forEachSkuPage(Consumer<List<String>> page) {
		String after = "";
		while (true) {
			List<String> skus = this.jdbc
				.sql("SELECT sku FROM products WHERE NOT deleted AND sku > ? ORDER BY sku LIMIT 1000")
				.param(after)
				.query(String.class)
				.list();
			if (skus.isEmpty()) {
				return;
			}
			page.accept(skus);
			after = skus.get(skus.size() - 1);
		}
	}

	@Override
	public SinkProgress progress() {
		return this.progress;
	}

	@Override
	public void destroy() {
		this.dataSource.close();
	}

	private Product product(ResultSet rs) throws SQLException {
		LocalDateTime updated = rs.getObject("updated_at", LocalDateTime.class);
		List<String> tags = new ArrayList<>(this.json.readValue(rs.getString("tags"), TAGS));
		return new Product(rs.getString("sku"), rs.getString("name"), rs.getString("description"),
				rs.getBigDecimal("price"), rs.getString("currency"), rs.getInt("stock"), tags, rs.getLong("version"),
				(updated != null) ? updated.toInstant(ZoneOffset.UTC) : null);
	}

	private static LocalDateTime utc(Instant instant) {
		return (instant != null) ? LocalDateTime.ofInstant(instant, ZoneOffset.UTC) : null;
	}

}
