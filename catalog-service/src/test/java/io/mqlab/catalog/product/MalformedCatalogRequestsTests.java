package io.mqlab.catalog.product;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import io.mqlab.support.MalformedRequests;
import io.mqlab.support.MalformedRequests.Endpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint of the catalog service against a few hundred malformed requests: each is
 * answered 4xx or 2xx, never 5xx. Also checks the DataSource's server-side timeouts.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.config.name=catalog-service")
@DirtiesContext
class MalformedCatalogRequestsTests {

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
	void noMalformedRequestGetsAServerError() throws IOException {
		Http http = new Http(this.port);
		assertThat(http.post("/products", ProductApiTests.product("FUZZ-1", "1.00", 1)).status()).isEqualTo(201);
		Map<String, String> product = Map.of("sku", "\"FUZZ-2\"", "name", "\"Lamp\"", "description", "\"A lamp\"",
				"price", "9.90", "currency", "\"EUR\"", "stock", "4", "tags", "[\"lamp\"]");
		Map<String, String> change = Map.of("name", "\"Lamp\"", "description", "\"\"", "price", "9.90", "currency",
				"\"EUR\"", "stock", "4", "tags", "[]", "version", "0");
		List<MalformedRequests.Answer> answers = MalformedRequests.send(this.port,
				List.of(Endpoint.post("/products", Map.of(), product),
						new Endpoint("PUT", "/products/{sku}", Map.of("sku", "FUZZ-1"), Map.of(), change),
						Endpoint.get("/products/{sku}", Map.of("sku", "FUZZ-1"), Map.of()),
						new Endpoint("DELETE", "/products/{sku}", Map.of("sku", "FUZZ-NONE"), Map.of(), null),
						Endpoint.get("/products", Map.of(), Map.of("page", "0", "size", "20")),
						Endpoint.post("/products/import", Map.of(), product)));
		assertThat(answers).hasSizeGreaterThan(400);
		assertThat(answers).filteredOn((answer) -> answer.status() >= 500).isEmpty();
		// the valid variants went through: the service still works
		assertThat(http.get("/products/FUZZ-1").status()).isEqualTo(200);
	}

	@Test
	void connectionsCarryStatementIdleInTransactionAndSocketTimeouts() {
		assertThat(this.jdbc.queryForObject("SHOW statement_timeout", String.class)).isEqualTo("30s");
		assertThat(this.jdbc.queryForObject("SHOW idle_in_transaction_session_timeout", String.class))
			.isEqualTo("1min");
		assertThat(this.jdbc.execute((ConnectionCallback<Integer>) Connection::getNetworkTimeout)).isEqualTo(60_000);
	}

}
