package io.mqlab.messaging.postgres;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.mqlab.messaging.BrokerProbe;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Checks the queue database with a query on its delivery table. The service's pool may
 * wait 30 s for a connection, so the check runs on its own thread and gives up after a
 * short wait; a check still stuck is reused rather than piled up.
 */
final class PostgresBrokerProbe implements BrokerProbe {

	private static final long TIMEOUT_MILLIS = 2500;

	private final JdbcTemplate jdbc;

	private final String location;

	private CompletableFuture<Void> running;

	PostgresBrokerProbe(QueueDatabase database) {
		this.jdbc = database.jdbc();
		this.location = database.location();
	}

	@Override
	public String location() {
		return this.location;
	}

	@Override
	public String hint() {
		return QueueDatabase.HINT;
	}

	@Override
	public void check() throws Exception {
		CompletableFuture<Void> check = start();
		try {
			check.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
		catch (TimeoutException ex) {
			throw new TimeoutException(
					"No answer from PostgreSQL at " + this.location + " within " + TIMEOUT_MILLIS + " ms");
		}
	}

	private synchronized CompletableFuture<Void> start() {
		if (this.running == null || this.running.isDone()) {
			this.running = new CompletableFuture<>();
			CompletableFuture<Void> check = this.running;
			Thread thread = new Thread(() -> {
				try {
					this.jdbc.queryForList("SELECT 1 FROM mqlab_delivery LIMIT 1");
					check.complete(null);
				}
				catch (Throwable ex) {
					check.completeExceptionally(ex);
				}
			}, "mqlab-postgres-probe");
			thread.setDaemon(true);
			thread.start();
		}
		return this.running;
	}

}
