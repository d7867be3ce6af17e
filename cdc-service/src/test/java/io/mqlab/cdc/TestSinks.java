package io.mqlab.cdc;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import io.mqlab.messaging.contract.TestBroker;

/**
 * The sinks' servers for the tests: the machine's OpenSearch and MariaDB (overridable
 * with {@code MQLAB_TEST_OPENSEARCH_URL}, {@code MQLAB_TEST_MARIADB_URL}), and how a run
 * removes what it wrote there.
 */
final class TestSinks {

	private TestSinks() {
	}

	/**
	 * Removes what a run of cdc-service wrote: the sink groups' state on the broker
	 * (topic {@code cdc-<run>}), its Redis keys, index {@code products-<run>} and MariaDB
	 * database {@code cdc_<run>}.
	 */
	static void removeRun(TestBroker broker, String run) {
		for (String group : List.of("cdc-cache", "cdc-search", "cdc-replica")) {
			broker.removeState(run, Map.of("cdc-" + run, group));
		}
		TestBroker.deleteRedisKeys("cdc-" + run + ":*");
		deleteIndex("products-" + run);
		dropMariaDbDatabase("cdc_" + run);
	}

	static String opensearchUrl() {
		String url = System.getenv("MQLAB_TEST_OPENSEARCH_URL");
		return (url != null && !url.isBlank()) ? url : "http://127.0.0.1:9200";
	}

	static String mariadbServer() {
		String url = System.getenv("MQLAB_TEST_MARIADB_URL");
		return (url != null && !url.isBlank()) ? url : "jdbc:mariadb://127.0.0.1:3306";
	}

	static String mariadbUrl(String database) {
		return mariadbServer() + "/" + database + "?createDatabaseIfNotExist=true";
	}

	static void deleteIndex(String index) {
		try {
			HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(opensearchUrl() + "/" + index)).DELETE().build(),
						HttpResponse.BodyHandlers.discarding());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot delete index " + index, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static void dropMariaDbDatabase(String database) {
		try (Connection connection = DriverManager.getConnection(mariadbServer(), "root", "")) {
			connection.createStatement().execute("DROP DATABASE IF EXISTS " + database);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot drop " + database, ex);
		}
	}

}
