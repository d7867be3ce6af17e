package io.mqlab.messaging.idempotency;

import java.time.Duration;
import java.util.UUID;

import io.mqlab.messaging.MessageHandler;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes a handler idempotent: it records (group, message id) in the service's own
 * database in the same transaction as the handler's work, so a redelivered message has no
 * second effect, and a failed handler leaves no record (it is retried).
 */
public class IdempotentConsumer {

	private static final String RECORD = """
			INSERT INTO mqlab_processed_message (group_name, message_id) VALUES (?, ?)
			ON CONFLICT DO NOTHING
			""";

	private static final String PURGE = """
			DELETE FROM mqlab_processed_message WHERE ctid IN (
			  SELECT ctid FROM mqlab_processed_message
			  WHERE processed_at < now() - ? * interval '1 millisecond' LIMIT ?)
			""";

	private static final int PURGE_BATCH = 10_000;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	public IdempotentConsumer(JdbcTemplate jdbc, TransactionTemplate transactions) {
		this.jdbc = jdbc;
		this.transactions = transactions;
	}

	/**
	 * Records the message as handled by the group, inside the caller's transaction.
	 * @return {@code true} the first time, {@code false} for a redelivery
	 */
	public boolean firstTime(String group, UUID messageId) {
		return this.jdbc.update(RECORD, group, messageId) == 1;
	}

	/**
	 * Wraps a handler so it runs in a transaction that also records the message; a
	 * message the group already handled is acknowledged without running it.
	 */
	public <T> MessageHandler<T> wrap(MessageHandler<T> handler) {
		return (payload, context) -> {
			try {
				this.transactions.executeWithoutResult((status) -> {
					if (firstTime(context.group(), context.envelope().id())) {
						try {
							handler.handle(payload, context);
						}
						catch (RuntimeException ex) {
							throw ex;
						}
						catch (Exception ex) {
							throw new HandlerFailed(ex);
						}
					}
				});
			}
			catch (HandlerFailed ex) {
				throw (Exception) ex.getCause();
			}
		};
	}

	/**
	 * Forgets records older than the given age by the database's clock (the one that
	 * stamped them), a batch of rows per statement so no delete holds many locks or a
	 * long transaction.
	 * @return how many were deleted
	 */
	public int purgeOlderThan(Duration age) {
		int total = 0;
		int deleted;
		do {
			deleted = this.jdbc.update(PURGE, age.toMillis(), PURGE_BATCH);
			total += deleted;
		}
		while (deleted == PURGE_BATCH);
		return total;
	}

	private static final class HandlerFailed extends RuntimeException {

		HandlerFailed(Exception cause) {
			super(cause);
		}

	}

}
