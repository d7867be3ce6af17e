package io.mqlab.platform.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mqlab.messaging.contract.LocalBrokers;

/**
 * Names unique to one fault run: topics, database schemas, Redis keys. A run sees none of
 * another's data, and removes its own when it ends.
 */
final class RunNames {

	final String run = "fr" + UUID.randomUUID().toString().substring(0, 8);

	final String orderTopic = "ORDER-" + this.run;

	final String newOrderTopic = "ORDERNEW-" + this.run;

	final String requestsTopic = "order.requests-" + this.run;

	final String paymentTimeoutTopic = "order.payment-timeouts-" + this.run;

	final String cancelledTopic = "order.cancelled-" + this.run;

	final String clicksTopic = "clicks-" + this.run;

	/** recommendation-service's Redis keys. */
	final String recommendationKeys = this.run + "-reco";

	private final List<String> schemas = new ArrayList<>();

	/** Every topic and the consumer groups that read it. */
	Map<String, List<String>> topicsAndGroups() {
		Map<String, List<String>> topics = new LinkedHashMap<>();
		topics.put(this.orderTopic, List.of("reconciliation", "recommendation"));
		topics.put(this.newOrderTopic, List.of("reconciliation"));
		topics.put(this.requestsTopic, List.of("order-service-new"));
		topics.put(this.paymentTimeoutTopic, List.of("order-service"));
		topics.put(this.clicksTopic, List.of("recommendation"));
		topics.put(this.cancelledTopic, List.of());
		return topics;
	}

	/** A schema of this run, created on first use. */
	synchronized String schema(String name) {
		String schema = this.run + "_" + name;
		if (!this.schemas.contains(schema)) {
			execute("CREATE SCHEMA IF NOT EXISTS " + schema);
			this.schemas.add(schema);
		}
		return schema;
	}

	String url(String schema) {
		return url(LocalBrokers.POSTGRES_PORT, schema);
	}

	/** A schema reached on a given port (a proxy's). */
	String url(int port, String schema) {
		return "jdbc:postgresql://" + LocalBrokers.HOST + ":" + port + "/test?currentSchema=" + schema(schema);
	}

	synchronized void dropSchemas() {
		for (String schema : this.schemas) {
			execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
		}
		this.schemas.clear();
	}

	static void execute(String sql) {
		try (Connection connection = DriverManager.getConnection(LocalBrokers.POSTGRES_URL, "postgres", "")) {
			connection.createStatement().execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql, ex);
		}
	}

}
