package io.mqlab.messaging.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One connection per process that LISTENs on the queue channel and wakes the
 * subscriptions of the notified topic, so consumers need not poll tightly. Notifications
 * are only a hint: subscriptions still poll (leases run out without one), and after a
 * reconnect everything is woken in case one was missed.
 */
final class QueueListener {

	private static final Log logger = LogFactory.getLog(QueueListener.class);

	/** How long one wait for notifications lasts; bounds how long stopping takes. */
	private static final int WAIT_MILLIS = 500;

	private final DataSource dataSource;

	private final Duration retryInterval;

	private final Consumer<String> onTopic;

	private final Runnable onReconnect;

	private volatile boolean running;

	private Thread thread;

	QueueListener(DataSource dataSource, Duration retryInterval, Consumer<String> onTopic, Runnable onReconnect) {
		this.dataSource = dataSource;
		this.retryInterval = retryInterval;
		this.onTopic = onTopic;
		this.onReconnect = onReconnect;
	}

	synchronized void start() {
		if (this.thread != null) {
			return;
		}
		this.running = true;
		this.thread = new Thread(this::run, "mqlab-postgres-listener");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	synchronized void stop() throws InterruptedException {
		this.running = false;
		if (this.thread != null) {
			this.thread.join(WAIT_MILLIS * 4L);
			this.thread = null;
		}
	}

	private void run() {
		boolean failing = false;
		while (this.running) {
			try (Connection connection = this.dataSource.getConnection()) {
				connection.setAutoCommit(true);
				try (Statement statement = connection.createStatement()) {
					statement.execute("LISTEN " + QueueTable.CHANNEL);
				}
				if (failing) {
					logger.info("Listening for queue notifications again");
					failing = false;
				}
				this.onReconnect.run();
				listen(connection);
			}
			catch (SQLException | RuntimeException ex) {
				if (!failing) {
					logger.warn("Lost the queue notification connection, consumers poll every " + this.retryInterval
							+ " meanwhile: " + ex.getMessage());
				}
				failing = true;
				try {
					Thread.sleep(this.retryInterval.toMillis());
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	private void listen(Connection connection) throws SQLException {
		PGConnection pg = connection.unwrap(PGConnection.class);
		try {
			while (this.running) {
				PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
				if (notifications != null) {
					for (PGNotification notification : notifications) {
						this.onTopic.accept(notification.getParameter());
					}
				}
			}
		}
		finally {
			// The connection goes back to a pool: it must not keep collecting
			// notifications.
			if (!connection.isClosed()) {
				try (Statement statement = connection.createStatement()) {
					statement.execute("UNLISTEN *");
				}
				catch (SQLException ex) {
					// broken: the pool discards it
				}
			}
		}
	}

}
