package io.mqlab.cdc;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mqlab.cdc.change.Product;
import io.mqlab.messaging.contract.TestBrokers;
import org.flywaydb.core.Flyway;

import static org.awaitility.Awaitility.await;

/**
 * A catalog database of one test run ({@code cdc_<run>}) on the test PostgreSQL, migrated
 * with catalog-service's own Flyway migration (table, REPLICA IDENTITY FULL, publication,
 * the heartbeat table in it, grants), plus what the capture's role needs: the role
 * {@code mqlab_cdc} (LOGIN REPLICATION, created when missing) and a place for the offsets
 * table. Writes as catalog-service does (version + 1, updated_at), and drops the run's
 * slot and database at the end.
 */
final class CatalogDatabase implements AutoCloseable {

	static final String ROLE = "mqlab_cdc";

	private final String name;

	private final String slot;

	private final TestBrokers.Broker postgres = TestBrokers.postgres();

	CatalogDatabase(String run) {
		this.name = "cdc_" + run;
		this.slot = "cdc_" + run;
		admin("postgres", "CREATE DATABASE " + this.name);
		// several runs may create the role at once
		admin("postgres", "DO $$ BEGIN CREATE ROLE " + ROLE + " LOGIN REPLICATION; "
				+ "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$");
		Flyway.configure()
			.dataSource(url(), this.postgres.username(), this.postgres.password())
			.locations("classpath:db/catalog-service")
			.load()
			.migrate();
		// Debezium's JDBC offset store creates its table
		admin(this.name, "GRANT CREATE ON SCHEMA public TO " + ROLE);
	}

	String name() {
		return this.name;
	}

	String slot() {
		return this.slot;
	}

	String url() {
		return "jdbc:postgresql://" + this.postgres.address() + "/" + this.name;
	}

	/**
	 * How the service reaches it: as the capture's role, which has only what it needs.
	 */
	Map<String, String> properties() {
		return Map.of("mqlab.cdc.source.host", this.postgres.host(), "mqlab.cdc.source.port",
				Integer.toString(this.postgres.port()), "mqlab.cdc.source.database", this.name,
				"mqlab.cdc.source.username", ROLE, "mqlab.cdc.capture.slot", this.slot);
	}

	Connection connect() throws SQLException {
		return DriverManager.getConnection(url(), this.postgres.username(), this.postgres.password());
	}

	/**
	 * Inserts the rows in one transaction, 500 a statement, as the catalog's import does.
	 */
	void insert(List<Product> rows) throws SQLException {
		try (Connection connection = connect()) {
			connection.setAutoCommit(false);
			for (int from = 0; from < rows.size(); from += 500) {
				List<Product> chunk = rows.subList(from, Math.min(rows.size(), from + 500));
				StringBuilder sql = new StringBuilder(
						"INSERT INTO products (sku, name, description, price, currency, stock, tags) VALUES ");
				for (int i = 0; i < chunk.size(); i++) {
					sql.append((i > 0) ? "," : "").append("(?, ?, ?, ?, ?, ?, ?)");
				}
				sql.append(" ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,"
						+ " price = EXCLUDED.price, currency = EXCLUDED.currency, stock = EXCLUDED.stock,"
						+ " tags = EXCLUDED.tags, version = products.version + 1, updated_at = clock_timestamp()");
				try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
					int p = 1;
					for (Product row : chunk) {
						statement.setString(p++, row.sku());
						statement.setString(p++, row.name());
						statement.setString(p++, row.description());
						statement.setBigDecimal(p++, row.price());
						statement.setString(p++, row.currency());
						statement.setInt(p++, row.stock());
						statement.setArray(p++, connection.createArrayOf("text", row.tags().toArray()));
					}
					statement.executeUpdate();
				}
			}
			connection.commit();
		}
	}

	void updatePrice(Connection connection, String sku, BigDecimal price) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(
				"UPDATE products SET price = ?, version = version + 1, updated_at = clock_timestamp() WHERE sku = ?")) {
			statement.setBigDecimal(1, price);
			statement.setString(2, sku);
			statement.executeUpdate();
		}
	}

	void updateText(Connection connection, String sku, String description, int stock) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("UPDATE products SET description = ?, stock = ?,"
				+ " version = version + 1, updated_at = clock_timestamp() WHERE sku = ?")) {
			statement.setString(1, description);
			statement.setInt(2, stock);
			statement.setString(3, sku);
			statement.executeUpdate();
		}
	}

	void delete(Connection connection, String sku) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("DELETE FROM products WHERE sku = ?")) {
			statement.setString(1, sku);
			statement.executeUpdate();
		}
	}

	/** The source rows, by SKU. */
	Map<String, Product> rows() throws SQLException {
		Map<String, Product> rows = new LinkedHashMap<>();
		try (Connection connection = connect();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT * FROM products ORDER BY sku")) {
			while (rs.next()) {
				Array tags = rs.getArray("tags");
				rows.put(rs.getString("sku"),
						new Product(rs.getString("sku"), rs.getString("name"), rs.getString("description"),
								rs.getBigDecimal("price"), rs.getString("currency"), rs.getInt("stock"),
								List.of((String[]) tags.getArray()), rs.getLong("version"),
								rs.getObject("updated_at", java.time.OffsetDateTime.class).toInstant()));
			}
		}
		return rows;
	}

	/** A product of the test's shop, with text the search can find. */
	static Product product(String sku, int i) {
		String[] words = { "camera", "lens", "tripod", "battery", "flash" };
		String word = words[i % words.length];
		return new Product(sku, "Product " + word + " " + i, "A fine " + word + " number " + i,
				BigDecimal.valueOf(100 + (i % 900), 2).add(BigDecimal.valueOf(i % 50)), "EUR", i % 40,
				List.of(word, "g" + (i % 7)), 0, null);
	}

	static List<Product> products(String prefix, int from, int count) {
		List<Product> rows = new ArrayList<>(count);
		for (int i = from; i < from + count; i++) {
			rows.add(product(prefix + i, i));
		}
		return rows;
	}

	/** Drops the run's slot (once its walsender is gone) and database. */
	@Override
	public void close() {
		await().atMost(Duration.ofSeconds(30)).until(() -> slotInactive());
		admin("postgres", "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
				+ this.slot + "'");
		admin("postgres", "DROP DATABASE IF EXISTS " + this.name + " WITH (FORCE)");
	}

	private boolean slotInactive() {
		try (Connection connection = DriverManager.getConnection(this.postgres.jdbcUrl(), this.postgres.username(),
				this.postgres.password());
				PreparedStatement statement = connection
					.prepareStatement("SELECT count(*) FROM pg_replication_slots WHERE slot_name = ? AND active")) {
			statement.setString(1, this.slot);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getInt(1) == 0;
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void admin(String database, String sql) {
		try (Connection connection = DriverManager.getConnection(
				"jdbc:postgresql://" + this.postgres.address() + "/" + database, this.postgres.username(),
				this.postgres.password())) {
			connection.createStatement().execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql, ex);
		}
	}

}
