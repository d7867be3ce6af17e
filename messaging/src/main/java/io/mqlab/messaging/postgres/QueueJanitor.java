package io.mqlab.messaging.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Vacuums and analyzes the queue tables when they have churned, one process at a time.
 * Every queue row is inserted, updated and deleted within seconds; if autovacuum is off
 * or behind (its per-table settings in the migration only help when it runs), dead rows
 * slow every claim down and stale statistics (a table analyzed while empty) give bad
 * plans.
 */
final class QueueJanitor {

	private static final Log logger = LogFactory.getLog(QueueJanitor.class);

	/** Any constant shared by all processes: the key of the advisory lock. */
	private static final long LOCK = 0x6d716c6162766163L;

	private static final long CHANGED_ROWS = 1000;

	private static final String STATS = """
			SELECT relname, n_dead_tup, n_mod_since_analyze,
			    (last_analyze IS NULL AND last_autoanalyze IS NULL) AS never_analyzed
			FROM pg_stat_user_tables
			WHERE relid IN ('mqlab_delivery'::regclass, 'mqlab_message'::regclass)
			""";

	private final JdbcTemplate jdbc;

	private final Duration interval;

	private ScheduledExecutorService executor;

	QueueJanitor(JdbcTemplate jdbc, Duration interval) {
		this.jdbc = jdbc;
		this.interval = interval;
	}

	synchronized void start() {
		if (this.executor != null || this.interval.isZero() || this.interval.isNegative()) {
			return;
		}
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "mqlab-postgres-janitor");
			thread.setDaemon(true);
			return thread;
		});
		this.executor.scheduleWithFixedDelay(this::tidy, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	void tidy() {
		try {
			this.jdbc.execute((ConnectionCallback<Void>) (connection) -> {
				if (tryLock(connection)) {
					try {
						tidy(connection);
					}
					finally {
						unlock(connection);
					}
				}
				return null;
			});
		}
		catch (RuntimeException ex) {
			logger.debug("Could not tidy the queue tables: " + ex.getMessage());
		}
	}

	private void tidy(Connection connection) throws SQLException {
		List<String> commands = new ArrayList<>();
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(STATS)) {
			while (rs.next()) {
				// Names come from the catalog query above (two constants), never from
				// input.
				String table = rs.getString("relname");
				if (rs.getLong("n_dead_tup") >= CHANGED_ROWS) {
					commands.add("VACUUM (ANALYZE) " + table);
				}
				else if (rs.getLong("n_mod_since_analyze") >= CHANGED_ROWS || rs.getBoolean("never_analyzed")) {
					commands.add("ANALYZE " + table);
				}
			}
		}
		// VACUUM cannot run inside a transaction block.
		boolean autoCommit = connection.getAutoCommit();
		connection.setAutoCommit(true);
		try (Statement statement = connection.createStatement()) {
			for (String command : commands) {
				statement.execute(command);
				logger.debug(command + " done");
			}
		}
		finally {
			connection.setAutoCommit(autoCommit);
		}
	}

	private static boolean tryLock(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT pg_try_advisory_lock(" + LOCK + ")")) {
			return rs.next() && rs.getBoolean(1);
		}
	}

	private static void unlock(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("SELECT pg_advisory_unlock(" + LOCK + ")");
		}
	}

}
