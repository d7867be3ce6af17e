package io.mqlab.messaging.outbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.Messaging;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends outbox rows to the broker after their transaction committed, oldest first, and
 * marks them sent. One relay runs at a time across all instances (a PostgreSQL advisory
 * lock), which keeps per-key order. When the broker is down, rows stay unsent and are
 * retried on the next pass; a row the broker rejects for good is set aside (marked
 * failed, counted as {@code mqlab.outbox.failed}, shown by the outbox health) so the rows
 * after it keep flowing. A crash between publish and mark re-sends with the same message
 * id, which idempotent consumers drop.
 */
public class OutboxRelay implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(OutboxRelay.class);

	/** Any constant shared by all relays: the key of the advisory lock. */
	private static final long RELAY_LOCK = 0x6d716c61626f7574L;

	private static final String SELECT_UNSENT = """
			SELECT id, message_id, topic, msg_key, type, headers::text AS headers, payload, created_at
			FROM mqlab_outbox WHERE sent_at IS NULL AND failed_at IS NULL
			  AND tx < pg_snapshot_xmin(pg_current_snapshot())
			ORDER BY id LIMIT ?
			""";

	private static final String MARK_SENT = "UPDATE mqlab_outbox SET sent_at = now() WHERE id = ANY (?)";

	private static final String MARK_FAILED = "UPDATE mqlab_outbox SET failed_at = now(), failure = ? WHERE id = ?";

	/** Longest failure text kept on a row. */
	private static final int MAX_FAILURE_LENGTH = 2000;

	private static final String PURGE = "DELETE FROM mqlab_outbox WHERE sent_at < ?";

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final Messaging messaging;

	private final Duration pollInterval;

	private final int batchSize;

	private final Duration retention;

	private final Duration publishTimeout;

	private final Counter failed;

	private final Semaphore wakeUps = new Semaphore(0);

	private volatile Thread worker;

	private volatile boolean running;

	private Instant nextPurge = Instant.EPOCH;

	public OutboxRelay(JdbcTemplate jdbc, TransactionTemplate transactions, Messaging messaging, Duration pollInterval,
			int batchSize, Duration retention, Duration publishTimeout, MeterRegistry meters) {
		this.failed = Counter.builder("mqlab.outbox.failed")
			.description("Outbox rows the broker rejected for good, set aside")
			.register(meters);
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.messaging = messaging;
		this.pollInterval = pollInterval;
		this.batchSize = batchSize;
		this.retention = retention;
		this.publishTimeout = publishTimeout;
	}

	/** Asks for a pass now instead of at the next poll. */
	public void wakeUp() {
		this.wakeUps.release();
	}

	/**
	 * Publishes one batch of unsent rows. A row the broker rejects whatever the retries
	 * is set aside (marked failed, counted) so the rows after it keep flowing; when the
	 * broker is unreachable every row stays unsent and the pass fails.
	 * @return how many rows were sent (0 when another relay holds the lock)
	 */
	public int relayOnce() {
		Pass pass = this.transactions.execute((status) -> {
			Boolean locked = this.jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(?)", Boolean.class, RELAY_LOCK);
			if (!Boolean.TRUE.equals(locked)) {
				return new Pass(0, null);
			}
			List<Row> rows = this.jdbc.query(SELECT_UNSENT, OutboxRelay::row, this.batchSize);
			List<Row> valid = new ArrayList<>(rows.size());
			for (Row row : rows) {
				try {
					this.messaging.validate(row.envelope());
					valid.add(row);
				}
				catch (IllegalArgumentException ex) {
					setAside(row, ex);
				}
			}
			return publish(valid);
		});
		if (pass == null) {
			return 0;
		}
		if (pass.failure() != null) {
			throw pass.failure();
		}
		return pass.sent();
	}

	/**
	 * Publishes the rows as one batch; if the broker rejects it for good, one row at a
	 * time, setting aside those it rejects. Stops at the first transient failure.
	 * @return how many rows were sent (and marked), and the transient failure
	 */
	private Pass publish(List<Row> rows) {
		if (rows.isEmpty()) {
			return new Pass(0, null);
		}
		RuntimeException failure = tryPublish(rows);
		if (failure == null) {
			markSent(rows);
			return new Pass(rows.size(), null);
		}
		if (!isPermanent(failure)) {
			return new Pass(0, failure);
		}
		List<Row> sent = new ArrayList<>();
		for (int i = 0; i < rows.size(); i++) {
			Row row = rows.get(i);
			RuntimeException single = (rows.size() == 1) ? failure : tryPublish(List.of(row));
			if (single == null) {
				sent.add(row);
			}
			else if (isPermanent(single)) {
				setAside(row, single);
			}
			else {
				markSent(sent);
				return new Pass(sent.size(), single);
			}
		}
		markSent(sent);
		return new Pass(sent.size(), null);
	}

	/**
	 * Waits at most the publish timeout: the pass holds a transaction and the relay lock.
	 */
	private RuntimeException tryPublish(List<Row> rows) {
		try {
			this.messaging.publishAllEnvelopes(rows.stream().map(Row::envelope).toList())
				.get(this.publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while relaying the outbox", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			return (cause instanceof RuntimeException runtime && isPermanent(runtime)) ? runtime
					: new IllegalStateException("The broker did not take " + rows.size() + " outbox row(s): " + cause,
							cause);
		}
		catch (TimeoutException ex) {
			return new IllegalStateException(
					"The broker did not confirm " + rows.size() + " outbox row(s) within " + this.publishTimeout, ex);
		}
		catch (RuntimeException ex) {
			return ex;
		}
	}

	/**
	 * Whether the broker would reject the message whatever the retries: the publisher's
	 * checks fail with {@link IllegalArgumentException} (names, headers, size), as do
	 * adapters for a message the broker refused as such. A broker that is down fails
	 * otherwise, and the row is retried.
	 */
	private static boolean isPermanent(RuntimeException failure) {
		return failure instanceof IllegalArgumentException;
	}

	private void setAside(Row row, RuntimeException failure) {
		String reason = failure.getClass().getSimpleName() + ": " + failure.getMessage();
		if (reason.length() > MAX_FAILURE_LENGTH) {
			reason = reason.substring(0, MAX_FAILURE_LENGTH);
		}
		this.jdbc.update(MARK_FAILED, reason, row.id());
		this.failed.increment();
		logger.error("Outbox row " + row.id() + " (message " + row.envelope().id() + " for topic '"
				+ row.envelope().topic() + "') is rejected by the broker for good and set aside: " + reason);
	}

	private void markSent(List<Row> rows) {
		if (rows.isEmpty()) {
			return;
		}
		Long[] ids = rows.stream().map(Row::id).toArray(Long[]::new);
		this.jdbc.update((connection) -> {
			var statement = connection.prepareStatement(MARK_SENT);
			statement.setArray(1, connection.createArrayOf("bigint", ids));
			return statement;
		});
	}

	private static Row row(ResultSet rs, int rowNum) throws SQLException {
		Envelope envelope = new Envelope(rs.getObject("message_id", java.util.UUID.class), rs.getString("topic"),
				rs.getString("msg_key"), rs.getString("type"), rs.getTimestamp("created_at").toInstant(),
				JsonMapper.shared().readValue(rs.getString("headers"), Outbox.HEADERS), rs.getString("payload"));
		return new Row(rs.getLong("id"), envelope);
	}

	/** Deletes sent rows older than the retention. */
	public int purge() {
		return this.jdbc.update(PURGE, Timestamp.from(Instant.now().minus(this.retention)));
	}

	private void run() {
		while (this.running) {
			try {
				int sent = relayOnce();
				if (Instant.now().isAfter(this.nextPurge)) {
					purge();
					this.nextPurge = Instant.now().plus(Duration.ofMinutes(1));
				}
				if (sent < this.batchSize) {
					this.wakeUps.tryAcquire(this.pollInterval.toMillis(), TimeUnit.MILLISECONDS);
					this.wakeUps.drainPermits();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				logger.warn("Outbox relay pass failed, rows stay unsent and are retried: " + ex.getMessage());
				try {
					Thread.sleep(this.pollInterval.toMillis());
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	@Override
	public void start() {
		this.running = true;
		Thread thread = new Thread(this::run, "mqlab-outbox-relay");
		thread.setDaemon(true);
		this.worker = thread;
		thread.start();
	}

	@Override
	public void stop() {
		this.running = false;
		Thread thread = this.worker;
		if (thread != null) {
			thread.interrupt();
			try {
				thread.join(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private record Row(long id, Envelope envelope) {

	}

	/**
	 * What a pass did.
	 *
	 * @param sent how many rows were sent
	 * @param failure why the pass stopped (broker unreachable), or {@code null}
	 */
	private record Pass(int sent, RuntimeException failure) {

	}

}
