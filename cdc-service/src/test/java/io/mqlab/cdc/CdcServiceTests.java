package io.mqlab.cdc;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import io.mqlab.cdc.cache.RedisProductCache;
import io.mqlab.cdc.change.Product;
import io.mqlab.cdc.change.ProductChanged;
import io.mqlab.cdc.replica.MariaDbProductReplica;
import io.mqlab.cdc.search.OpenSearchProductIndex;
import io.mqlab.cdc.sink.ProductSink;
import io.mqlab.messaging.Messaging;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.support.Http;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CDC service end to end on one backend, with the real PostgreSQL (a catalog database
 * of the run's own, migrated by catalog-service's migration), Redis, OpenSearch and
 * MariaDB: rows written before and while the capture starts (snapshot with writes going
 * on), then a mixed load (an import in one transaction, multi-row inserts, single-row
 * updates in quick succession, deletes), and afterwards the cache, the index and the
 * replica equal the source row by row. One instance (all roles) per class; everything is
 * named after the run and removed afterwards, the replication slot included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class CdcServiceTests {

	static final Duration PATIENCE = Duration.ofSeconds(120);

	static final int SNAPSHOT_ROWS = 400;

	final String run = "c" + UUID.randomUUID().toString().substring(0, 8);

	private final TestBroker broker;

	private CatalogDatabase catalog;

	private ConfigurableApplicationContext context;

	private Http api;

	CdcServiceTests(TestBroker broker) {
		this.broker = broker;
	}

	@BeforeAll
	void startWhileTheCatalogIsWritten() throws Exception {
		this.catalog = new CatalogDatabase(this.run);
		this.catalog.insert(CatalogDatabase.products("SNAP-", 0, SNAPSHOT_ROWS));
		// writes go on while the service starts, snapshots and switches to streaming
		CompletableFuture<Void> writes = CompletableFuture.runAsync(this::writeDuringSnapshot);
		this.context = start();
		this.api = new Http(((WebServerApplicationContext) this.context).getWebServer().getPort());
		writes.join();
	}

	private void writeDuringSnapshot() {
		try (Connection connection = this.catalog.connect()) {
			for (int i = 0; i < 300; i++) {
				this.catalog.updatePrice(connection, "SNAP-" + (i % SNAPSHOT_ROWS), BigDecimal.valueOf(1000 + i, 2));
				if (i % 3 == 0) {
					this.catalog.insert(List.of(CatalogDatabase.product("LIVE-" + i, i)));
				}
				if (i % 10 == 0) {
					this.catalog.delete(connection, "SNAP-" + (SNAPSHOT_ROWS - 1 - i / 10));
				}
				Thread.sleep(5);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private ConfigurableApplicationContext start() {
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", this.broker.backend());
		args.put("server.port", "0");
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.cdc.topic", topic());
		args.put("mqlab.cdc.sinks.cache.key-prefix", "cdc-" + this.run);
		args.put("mqlab.cdc.sinks.search.index", index());
		args.put("mqlab.cdc.sinks.search.url", TestSinks.opensearchUrl());
		args.put("mqlab.cdc.sinks.replica.url", TestSinks.mariadbUrl(replicaDatabase()));
		args.put("mqlab.messaging.visibility-timeout", "5s");
		// the slot moves on within a second or two of the catalog going idle (5 s in
		// production)
		args.put("mqlab.cdc.capture.heartbeat-interval", "1s");
		args.putAll(TestBroker.redisProperties());
		args.putAll(this.broker.properties(this.run));
		args.putAll(this.catalog.properties());
		return CdcServiceApplication.builder()
			.run(args.entrySet().stream().map((e) -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
	}

	@AfterAll
	void stopAndClean() {
		if (this.context != null) {
			this.context.close();
		}
		try {
			if (this.catalog != null) {
				this.catalog.close();
			}
		}
		finally {
			TestSinks.removeRun(this.broker, this.run);
			this.broker.close();
		}
	}

	@Test
	@Order(1)
	void aSnapshotTakenWhileWritesGoOnLeavesNoGap() throws SQLException {
		awaitConsistent();
		assertThat(this.catalog.rows()).hasSizeGreaterThan(SNAPSHOT_ROWS);
	}

	@Test
	@Order(2)
	void afterAMixedLoadEverySinkEqualsTheSourceRowByRow() throws SQLException {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		// one import of 600 rows in one transaction, 500 a statement (the full 10,000 and
		// 20,000 changes: CdcLoadCheck)
		this.catalog.insert(CatalogDatabase.products("IMP-", 0, 600));
		try (Connection connection = this.catalog.connect()) {
			for (int i = 0; i < 180; i++) {
				String sku = "IMP-" + random.nextInt(600);
				switch (i % 6) {
					// the same row three times in quick succession
					case 0 -> {
						for (int k = 0; k < 3; k++) {
							this.catalog.updatePrice(connection, sku,
									BigDecimal.valueOf(random.nextInt(1, 100_000), 2));
						}
					}
					case 1, 2 -> this.catalog.updateText(connection, sku, "now with a strap " + i, random.nextInt(100));
					case 3 -> this.catalog.delete(connection, sku);
					// a multi-row insert of new rows and updates of existing ones
					case 4 -> this.catalog.insert(CatalogDatabase.products("MULTI-", i * 10, 10));
					default -> this.catalog.insert(List.of(CatalogDatabase.product(sku, i)));
				}
			}
		}
		JsonNode report = awaitConsistent();
		assertThat(report.get("sourceRows").asLong()).isEqualTo(this.catalog.rows().size());
		for (String sink : List.of("cache", "search", "replica")) {
			assertThat(report.get("sinks").get(sink).get("equal").asLong()).as(sink)
				.isEqualTo(report.get("sourceRows").asLong());
		}
	}

	@Test
	@Order(3)
	void aChangeRedeliveredAfterANewerOneDoesNotRollTheRowBack() throws SQLException {
		String sku = "REDELIVER-" + this.run;
		this.catalog.insert(List.of(CatalogDatabase.product(sku, 7)));
		RedisProductCache.CachedProduct first = awaitCached(sku, (cached) -> true);
		try (Connection connection = this.catalog.connect()) {
			this.catalog.updatePrice(connection, sku, new BigDecimal("777.77"));
		}
		RedisProductCache.CachedProduct second = awaitCached(sku,
				(cached) -> cached.product().price().equals(new BigDecimal("777.77")));
		awaitConsistent();
		assertThat(second.lsn()).isGreaterThan(first.lsn());
		Product newer = second.product();

		// the insert again, as a broker redelivers it after the update was applied
		redeliver(new ProductChanged(sku, "c", null, first.product(), first.lsn(), 1L, Instant.now()));
		for (ProductSink sink : sinks()) {
			assertThat(sink.read(Set.of(sku))).as(sink.name()).containsEntry(sku, newer);
		}

		// and once the row is deleted, the old insert does not bring it back
		try (Connection connection = this.catalog.connect()) {
			this.catalog.delete(connection, sku);
		}
		await().atMost(PATIENCE).until(() -> this.api.get("/cache/products/" + sku).status() == 404);
		awaitConsistent();
		redeliver(new ProductChanged(sku, "c", null, first.product(), first.lsn(), 1L, Instant.now()));
		for (ProductSink sink : sinks()) {
			assertThat(sink.read(Set.of(sku))).as(sink.name()).isEmpty();
		}
	}

	@Test
	@Order(4)
	void theSearchFindsByWordsTagAndPrice() {
		awaitConsistent();
		JsonNode found = this.api.get("/search/products?q=tripod&tag=g3&minPrice=5&maxPrice=40&size=100").body();
		assertThat(found.get("items").size()).isPositive();
		for (JsonNode item : found.get("items")) {
			JsonNode product = item.get("product");
			assertThat(product.get("name").asString() + " " + product.get("description").asString()).contains("tripod");
			assertThat(product.get("tags").valueStream().map(JsonNode::asString)).contains("g3");
			assertThat(product.get("price").decimalValue()).isBetween(new BigDecimal("5"), new BigDecimal("40"));
		}
		assertThat(this.api.get("/search/products?minPrice=50&maxPrice=10").status()).isEqualTo(400);
		assertThat(this.api.get("/search/products?size=1000").status()).isEqualTo(400);
		assertThat(this.api.get("/search/products?minPrice=abc").status()).isEqualTo(400);
	}

	@Test
	@Order(5)
	void theStatusShowsTheSlotAndEachSink() {
		awaitConsistent();
		JsonNode status = this.api.get("/cdc/status").body();
		assertThat(status.get("slot").get("name").asString()).isEqualTo(this.catalog.slot());
		assertThat(status.get("slot").get("exists").asBoolean()).isTrue();
		assertThat(status.get("slot").get("active").asBoolean()).isTrue();
		assertThat(status.get("slot").get("confirmedLsnNumber").asLong()).isPositive();
		assertThat(status.get("capture").get("phase").asString()).isEqualTo("CAPTURING");
		assertThat(status.get("sinks").valueStream().map((sink) -> sink.get("name").asString()))
			.containsExactlyInAnyOrder("cache", "search", "replica");
		for (JsonNode sink : status.get("sinks")) {
			assertThat(sink.get("lastAppliedLsn").asLong()).isPositive();
			assertThat(sink.get("lagMs").asLong()).isGreaterThanOrEqualTo(0);
		}
	}

	/** The port of the class's instance. */
	int port() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	private void redeliver(ProductChanged change) {
		Map<String, Long> stale = new LinkedHashMap<>();
		sinks().forEach((sink) -> stale.put(sink.name(), sink.progress().stale()));
		this.context.getBean(Messaging.class).publish(topic(), change.sku(), change);
		await().atMost(PATIENCE)
			.untilAsserted(() -> sinks().forEach((sink) -> assertThat(sink.progress().stale()).as(sink.name())
				.isGreaterThan(stale.get(sink.name()))));
	}

	private RedisProductCache.CachedProduct awaitCached(String sku,
			java.util.function.Predicate<RedisProductCache.CachedProduct> condition) {
		RedisProductCache cache = this.context.getBean(RedisProductCache.class);
		return await().atMost(PATIENCE)
			.until(() -> cache.get(sku), (cached) -> cached != null && condition.test(cached));
	}

	private List<ProductSink> sinks() {
		return new ArrayList<>(List.of(this.context.getBean(RedisProductCache.class),
				this.context.getBean(OpenSearchProductIndex.class), this.context.getBean(MariaDbProductReplica.class)));
	}

	private JsonNode awaitConsistent() {
		return await().atMost(PATIENCE)
			.pollInterval(Duration.ofMillis(500))
			.until(() -> this.api.get("/cdc/consistency").body(),
					(report) -> report.path("consistent").asBoolean(false));
	}

	private String topic() {
		return "cdc-" + this.run;
	}

	private String index() {
		return "products-" + this.run;
	}

	private String replicaDatabase() {
		return "cdc_" + this.run;
	}

}
