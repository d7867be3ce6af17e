package io.mqlab.recommendation;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import io.mqlab.messaging.contract.LocalBrokers;

/** PostgreSQL as the broker: the queue in a schema of this run's own, dropped after. */
class PostgresRecommendationServiceTests extends RecommendationServiceTests {

	@Override
	protected String backend() {
		LocalBrokers.requirePostgres();
		execute("CREATE SCHEMA IF NOT EXISTS " + schema());
		return "postgres";
	}

	@Override
	protected Map<String, String> brokerProperties() {
		return Map.of("mqlab.messaging.postgres.url", LocalBrokers.POSTGRES_URL + "?currentSchema=" + schema(),
				"mqlab.messaging.postgres.username", "postgres");
	}

	@Override
	protected void removeBrokerState(List<String> topics) {
		execute("DROP SCHEMA IF EXISTS " + schema() + " CASCADE");
	}

	private String schema() {
		return this.run + "_queue";
	}

	private static void execute(String sql) {
		try (Connection connection = DriverManager.getConnection(LocalBrokers.POSTGRES_URL, "postgres", "")) {
			connection.createStatement().execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql, ex);
		}
	}

}
