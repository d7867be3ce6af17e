package io.mqlab.catalog.product;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The products API over real HTTP on a real PostgreSQL database of its own, which the
 * service creates and migrates at start-up.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.config.name=catalog-service")
@DirtiesContext
class ProductApiTests {

	static final String DATABASE = TestCatalogDatabase.newName();

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestCatalogDatabase.register(registry, DATABASE);
	}

	@AfterAll
	static void dropDatabase() throws SQLException {
		TestCatalogDatabase.drop(DATABASE);
	}

	@Test
	void theServiceCreatedItsDatabaseWithWhatTheCaptureNeeds() {
		assertThat(this.jdbc.queryForObject("SELECT current_database()", String.class)).isEqualTo(DATABASE);
		// f: full before-images in the log for updates and deletes
		assertThat(this.jdbc.queryForObject("SELECT relreplident::text FROM pg_class WHERE oid = 'products'::regclass",
				String.class))
			.isEqualTo("f");
		assertThat(this.jdbc.queryForList("SELECT tablename FROM pg_publication_tables WHERE pubname = ?", String.class,
				"catalog_products"))
			// and where the capture's heartbeat writes, so its slot moves on while
			// products
			// are idle
			.containsExactlyInAnyOrder("products", "cdc_heartbeat");
		// the capture's role (made by ./mqlab setup, cluster-wide: not the test's to
		// create)
		if (Boolean.TRUE.equals(this.jdbc
			.queryForObject("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mqlab_cdc')", Boolean.class))) {
			assertThat(this.jdbc.queryForObject("SELECT has_table_privilege('mqlab_cdc', 'products', 'SELECT')",
					Boolean.class))
				.isTrue();
			assertThat(this.jdbc.queryForObject(
					"SELECT has_table_privilege('mqlab_cdc', 'cdc_heartbeat', 'INSERT, UPDATE')", Boolean.class))
				.isTrue();
		}
	}

	@Test
	void servesHealthMetricsAndItsApiDescription() {
		Http http = new Http(this.port);
		assertThat(http.get("/actuator/health").body().get("status").asString()).isEqualTo("UP");
		assertThat(http.get("/actuator/info").body().get("service").asString()).isEqualTo("catalog-service");
		assertThat(http.get("/v3/api-docs").body().get("paths").has("/products/import")).isTrue();
		assertThat(http.get("/actuator/prometheus").text()).contains("hikaricp_connections");
	}

	@Test
	void createsReadsListsChangesAndDeletesAProduct() {
		Http http = new Http(this.port);
		Http.Response created = http.post("/products", product("CRUD-1", "12.5", 3));
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.location()).isEqualTo("/products/CRUD-1");
		assertThat(created.body().get("version").asLong()).isZero();
		// as stored: 2 decimals, whatever the request wrote
		assertThat(created.text()).contains("\"price\":12.50,");
		assertThat(created.body().get("tags").valueStream().map((tag) -> tag.asString())).containsExactly("camera",
				"used");
		assertThat(http.get("/products/CRUD-1").body()).isEqualTo(created.body());
		assertThat(http.post("/products", product("CRUD-1", "1.00", 1)).body().get("type").asString())
			.isEqualTo("urn:mqlab:problem:product-exists");
		assertThat(http.post("/products", product("CRUD-2", "0.99", 0)).status()).isEqualTo(201);

		Http.Response page = http.get("/products?page=0&size=1");
		assertThat(page.body().get("total").asLong()).isGreaterThanOrEqualTo(2);
		assertThat(page.body().get("items")).hasSize(1);
		assertThat(page.body().get("items").get(0).get("sku").asString()).isEqualTo("CRUD-1");
		assertThat(http.get("/products?page=1&size=1").body().get("items").get(0).get("sku").asString())
			.isEqualTo("CRUD-2");

		Http.Response changed = http.put("/products/CRUD-1", change("Camera, repaired", "15.00", 2, 0));
		assertThat(changed.status()).isEqualTo(200);
		assertThat(changed.body().get("version").asLong()).isEqualTo(1);
		assertThat(changed.body().get("stock").asInt()).isEqualTo(2);
		assertThat(this.jdbc.queryForMap("SELECT name, price, stock, version FROM products WHERE sku = 'CRUD-1'"))
			.containsEntry("name", "Camera, repaired")
			.containsEntry("stock", 2)
			.containsEntry("version", 1L);

		assertThat(http.delete("/products/CRUD-1").status()).isEqualTo(204);
		assertThat(http.delete("/products/CRUD-1").status()).isEqualTo(404);
		assertThat(http.get("/products/CRUD-1").body().get("type").asString())
			.isEqualTo("urn:mqlab:problem:product-not-found");
		assertThat(http.put("/products/CRUD-1", change("x", "1.00", 1, 1)).status()).isEqualTo(404);
	}

	@Test
	void aChangeBasedOnAnOldVersionIsAConflictThatNamesTheCurrentOne() {
		Http http = new Http(this.port);
		http.post("/products", product("STALE-1", "5.00", 1));
		assertThat(http.put("/products/STALE-1", change("first", "5.00", 1, 0)).status()).isEqualTo(200);
		Http.Response stale = http.put("/products/STALE-1", change("second", "6.00", 1, 0));
		assertThat(stale.status()).isEqualTo(409);
		assertThat(stale.contentType()).startsWith("application/problem+json");
		assertThat(stale.body().get("type").asString()).isEqualTo("urn:mqlab:problem:version-conflict");
		assertThat(stale.body().get("currentVersion").asLong()).isEqualTo(1);
		assertThat(this.jdbc.queryForObject("SELECT name FROM products WHERE sku = 'STALE-1'", String.class))
			.isEqualTo("first");
	}

	@Test
	void ofConcurrentChangesOfOneVersionExactlyOneWins() {
		Http http = new Http(this.port);
		for (int round = 0; round < 5; round++) {
			String sku = "RACE-" + round;
			http.post("/products", product(sku, "5.00", 1));
			List<CompletableFuture<Integer>> answers = IntStream.range(0, 4)
				.mapToObj((writer) -> CompletableFuture.supplyAsync(
						() -> http.put("/products/" + sku, change("writer " + writer, "5.00", writer, 0)).status()))
				.toList();
			List<Integer> statuses = answers.stream().map(CompletableFuture::join).sorted().toList();
			assertThat(statuses).containsExactly(200, 409, 409, 409);
			assertThat(this.jdbc.queryForObject("SELECT version FROM products WHERE sku = ?", Long.class, sku))
				.isEqualTo(1);
		}
	}

	@Test
	void importsTenThousandProductsInOneTransactionAndUpdatesExistingOnes() {
		Http http = new Http(this.port);
		String products = IntStream.range(0, 10_000)
			.mapToObj((i) -> product("IMP-" + i, i + ".99", i % 50))
			.collect(Collectors.joining(",", "[", "]"));
		long started = System.nanoTime();
		Http.Response imported = http.post("/products/import", products);
		long millis = (System.nanoTime() - started) / 1_000_000;
		System.out.println("catalog: imported 10,000 products in " + millis + " ms");
		assertThat(imported.status()).isEqualTo(200);
		assertThat(imported.body().get("imported").asInt()).isEqualTo(10_000);
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM products WHERE sku LIKE 'IMP-%'", Long.class))
			.isEqualTo(10_000);
		// every row written by one transaction
		assertThat(this.jdbc.queryForObject("SELECT count(DISTINCT xmin::text) FROM products WHERE sku LIKE 'IMP-%'",
				Long.class))
			.isEqualTo(1);
		assertThat(http.get("/products/IMP-9999").body().get("price").decimalValue()).isEqualByComparingTo("9999.99");

		Http.Response again = http.post("/products/import", "[" + product("IMP-7", "1.00", 1) + "]");
		assertThat(again.status()).isEqualTo(200);
		assertThat(this.jdbc.queryForMap("SELECT price, version FROM products WHERE sku = 'IMP-7'"))
			.containsEntry("version", 1L)
			.satisfies((row) -> assertThat((java.math.BigDecimal) row.get("price")).isEqualByComparingTo("1.00"));
	}

	@Test
	void anImportWithABadOrRepeatedElementWritesNothingAndNamesIt() {
		Http http = new Http(this.port);
		String products = "[" + product("BAD-1", "1.00", 1) + "," + product("BAD-2", "-1.00", 1) + ","
				+ product("BAD-1", "1.00", 1) + "]";
		Http.Response rejected = http.post("/products/import", products);
		assertThat(rejected.status()).isEqualTo(400);
		assertThat(rejected.body().get("errors").valueStream().map((error) -> error.get("field").asString()))
			.containsExactlyInAnyOrder("[1].price", "[2].sku");
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM products WHERE sku LIKE 'BAD-%'", Long.class))
			.isZero();
	}

	static String product(String sku, String price, int stock) {
		return """
				{"sku": "%s", "name": "Camera %s", "description": "A camera,\\nused", "price": %s, "currency": "EUR",
				 "stock": %d, "tags": ["camera", "used"]}""".formatted(sku, sku, price, stock);
	}

	static String change(String name, String price, int stock, long version) {
		return """
				{"name": "%s", "description": "", "price": %s, "currency": "EUR", "stock": %d, "tags": ["camera"],
				 "version": %d}""".formatted(name, price, stock, version);
	}

}
