package io.mqlab.catalog.product;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The bulk import: all products in one transaction, written by multi-row INSERT
 * statements of {@value #ROWS_PER_STATEMENT} rows (a few round trips instead of one per
 * row; 8 parameters a row stays far below PostgreSQL's 65,535 per statement). An existing
 * sku is updated (upsert), its version bumped as a single update would.
 */
@Component
class ProductImport {

	static final int MAX_PRODUCTS = 10_000;

	static final int ROWS_PER_STATEMENT = 500;

	private static final String INSERT = "INSERT INTO products (sku, name, description, price, currency, stock, tags, version, updated_at) VALUES ";

	private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, 0, ?)";

	private static final String UPSERT = """
			ON CONFLICT (sku) DO UPDATE SET name = excluded.name, description = excluded.description,
			price = excluded.price, currency = excluded.currency, stock = excluded.stock, tags = excluded.tags,
			version = products.version + 1, updated_at = excluded.updated_at""";

	private final JdbcTemplate jdbc;

	ProductImport(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Writes the products, validated and with distinct skus (a row twice in one statement
	 * is an error in PostgreSQL), all or none.
	 */
	@Transactional
	int upsert(List<NewProduct> products, Instant now) {
		Timestamp updatedAt = Timestamp.from(now);
		for (int from = 0; from < products.size(); from += ROWS_PER_STATEMENT) {
			List<NewProduct> chunk = products.subList(from, Math.min(from + ROWS_PER_STATEMENT, products.size()));
			String sql = INSERT + String.join(", ", Collections.nCopies(chunk.size(), ROW)) + UPSERT;
			this.jdbc.update(sql, (statement) -> bind(statement, chunk, updatedAt));
		}
		return products.size();
	}

	private static void bind(PreparedStatement statement, List<NewProduct> chunk, Timestamp updatedAt)
			throws SQLException {
		int index = 1;
		for (NewProduct product : chunk) {
			statement.setString(index++, product.sku());
			statement.setString(index++, product.name());
			statement.setString(index++, product.descriptionOrEmpty());
			statement.setBigDecimal(index++, product.price());
			statement.setString(index++, product.currency());
			statement.setInt(index++, product.stock());
			statement.setArray(index++,
					statement.getConnection().createArrayOf("text", product.tagsOrNone().toArray()));
			statement.setTimestamp(index++, updatedAt);
		}
	}

}
