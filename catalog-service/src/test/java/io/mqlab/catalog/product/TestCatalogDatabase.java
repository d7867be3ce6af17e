package io.mqlab.catalog.product;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

import io.mqlab.messaging.contract.TestBrokers;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A database of the test's own on the run's PostgreSQL ({@link TestBrokers}), named after
 * the run: a schema of the shared test database would not do, the publication's name is
 * per database. catalog-service creates it at start-up (CatalogDatabase); the test drops
 * it afterwards.
 */
final class TestCatalogDatabase {

	private TestCatalogDatabase() {
	}

	static String newName() {
		return "catalog_it_" + UUID.randomUUID().toString().substring(0, 8);
	}

	static void register(DynamicPropertyRegistry registry, String database) {
		TestBrokers.Broker postgres = TestBrokers.postgres();
		registry.add("spring.datasource.url", () -> "jdbc:postgresql://" + postgres.address() + "/" + database);
		registry.add("spring.datasource.username", postgres::username);
		registry.add("spring.datasource.password", postgres::password);
	}

	static void drop(String database) throws SQLException {
		TestBrokers.Broker postgres = TestBrokers.postgres();
		try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(),
				postgres.password())) {
			// FORCE: the test's context still holds pooled connections to it
			connection.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
		}
	}

}
