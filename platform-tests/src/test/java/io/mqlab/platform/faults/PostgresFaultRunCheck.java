package io.mqlab.platform.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.mqlab.messaging.contract.LocalBrokers;
import io.mqlab.messaging.contract.TcpProxy;

import static org.awaitility.Awaitility.await;

/**
 * The fault run with PostgreSQL as the broker (the queue in a schema of its own, reached
 * through each service's proxy). The broker restart restarts the machine's PostgreSQL,
 * which cuts every connection for a few seconds, the services' own databases included.
 */
class PostgresFaultRunCheck extends FaultRunCheck {

	@Override
	protected FaultBroker broker() {
		return new PostgresFaults();
	}

	static final class PostgresFaults extends FaultBroker {

		@Override
		String backend() {
			return "postgres";
		}

		@Override
		void start(RunNames names, Path dir, List<String> services) {
			LocalBrokers.requirePostgres();
		}

		@Override
		TcpProxy proxyFor(String service) {
			return new TcpProxy(LocalBrokers.POSTGRES_PORT);
		}

		@Override
		Map<String, String> via(TcpProxy proxy, RunNames names) {
			return Map.of("mqlab.messaging.postgres.url", names.url(proxy.port(), "queue"));
		}

		@Override
		Map<String, String> direct(RunNames names) {
			return Map.of("mqlab.messaging.postgres.url", names.url("queue"));
		}

		@Override
		String restart(RunNames names) {
			try {
				command(180, "pg_ctlcluster", "--skip-systemctl-redirect", version(), "main", "restart");
			}
			finally {
				ensureRunning();
			}
			return "PostgreSQL restarted (pg_ctlcluster restart)";
		}

		@Override
		public void close() {
			ensureRunning();
		}

		private static void ensureRunning() {
			try {
				LocalBrokers.requirePostgres();
			}
			catch (IllegalStateException down) {
				command(180, "pg_ctlcluster", "--skip-systemctl-redirect", version(), "main", "start");
			}
			await("PostgreSQL accepts connections").atMost(Duration.ofMinutes(2))
				.pollInterval(Duration.ofMillis(500))
				.ignoreExceptions()
				.until(() -> {
					RunNames.execute("SELECT 1");
					return true;
				});
		}

		private static String version() {
			try (Stream<Path> versions = Files.list(Path.of("/etc/postgresql"))) {
				return versions.map((path) -> path.getFileName().toString()).sorted().reduce((a, b) -> b).orElseThrow();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
