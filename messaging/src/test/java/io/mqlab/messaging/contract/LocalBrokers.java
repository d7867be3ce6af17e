package io.mqlab.messaging.contract;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The brokers the tests use on loopback where no Docker engine runs (tests ask
 * {@link TestBrokers}, which picks). A test never skips when one is missing: it fails and
 * says how to start it.
 */
public final class LocalBrokers {

	public static final String HOST = "127.0.0.1";

	public static final int POSTGRES_PORT = 5432;

	public static final int REDIS_PORT = 6379;

	public static final int RABBITMQ_PORT = 5672;

	public static final int OPENSEARCH_PORT = 9200;

	public static final int MARIADB_PORT = 3306;

	public static final int MOSQUITTO_PORT = 1883;

	public static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";

	private LocalBrokers() {
	}

	public static void require(String name, int port, String howToStart) {
		requireWithHint(name, port, "Start it with: " + howToStart + " (or run ./scripts/services.sh start)");
	}

	private static void requireWithHint(String name, int port, String hint) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(HOST, port), 2000);
		}
		catch (IOException ex) {
			throw new IllegalStateException(name + " is not reachable at " + HOST + ":" + port + ". " + hint, ex);
		}
	}

	public static void requirePostgres() {
		require("PostgreSQL", POSTGRES_PORT,
				"pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
	}

	public static void requireRedis() {
		require("Redis", REDIS_PORT,
				"redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no");
	}

	public static void requireRabbit() {
		require("RabbitMQ", RABBITMQ_PORT, "rabbitmq-server -detached");
	}

	/** Not a machine service: the project's script runs it (./mqlab test does too). */
	public static void requireOpenSearch() {
		requireWithHint("OpenSearch", OPENSEARCH_PORT,
				"Start it with: scripts/opensearch.sh start (./mqlab test starts it, and stops it afterwards)");
	}

	public static void requireMariaDb() {
		requireWithHint("MariaDB", MARIADB_PORT, "Start it with: scripts/services.sh start mariadb");
	}

	/** The machine's broker with the project's settings (infra/mosquitto). */
	public static void requireMosquitto() {
		requireWithHint("Mosquitto", MOSQUITTO_PORT, "Start it with: scripts/services.sh start mosquitto");
	}

}
