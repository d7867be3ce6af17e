package io.mqlab.messaging.outbox;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.OutgoingMessage;
import io.mqlab.messaging.PublishReceipt;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Publishes from inside a business transaction: the message is written to
 * {@code mqlab_outbox} in the same transaction, so it exists exactly when the business
 * change commits, and the {@link OutboxRelay} sends it after commit, in order.
 */
public class Outbox {

	static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
	};

	private static final String INSERT = """
			INSERT INTO mqlab_outbox (message_id, topic, msg_key, type, headers, payload, created_at)
			VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)
			""";

	private final JdbcTemplate jdbc;

	private final Messaging messaging;

	private volatile Runnable onCommit = () -> {
	};

	public Outbox(JdbcTemplate jdbc, Messaging messaging) {
		this.jdbc = jdbc;
		this.messaging = messaging;
	}

	/** Writes to the outbox; requires an active transaction on the same DataSource. */
	public PublishReceipt publish(String topic, String key, Object payload) {
		return publish(OutgoingMessage.of(topic, key, payload));
	}

	/**
	 * Writes to the outbox; requires an active transaction on the same DataSource.
	 * @throws IllegalArgumentException when the backend's publisher would reject the
	 * message (name, reserved header, size counted as the broker does): the caller's
	 * transaction gets the error, nothing is stored
	 */
	public PublishReceipt publish(OutgoingMessage message) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			throw new IllegalTransactionStateException("Outbox.publish needs an active transaction (call it from a "
					+ "@Transactional method); use Messaging.publish to publish directly");
		}
		Envelope envelope = this.messaging.envelope(message);
		this.jdbc.update(INSERT, envelope.id(), envelope.topic(), envelope.key(), envelope.type(),
				JsonMapper.shared().writeValueAsString(envelope.headers()), envelope.payload(),
				Timestamp.from(envelope.timestamp()));
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				Outbox.this.onCommit.run();
			}
		});
		return new PublishReceipt(envelope.id(), envelope.topic(), envelope.key());
	}

	/** Called after each commit that wrote to the outbox (the relay wakes up). */
	public void onCommit(Runnable callback) {
		this.onCommit = callback;
	}

	/** Rows not sent yet (set-aside rows excluded). */
	public long pending() {
		return count("SELECT count(*) FROM mqlab_outbox WHERE sent_at IS NULL AND failed_at IS NULL");
	}

	/** Rows the broker rejected for good, set aside by the relay. */
	public long failed() {
		return count("SELECT count(*) FROM mqlab_outbox WHERE failed_at IS NOT NULL");
	}

	/** When the oldest row still to send was written, if there is one. */
	public Optional<Instant> oldestUnsent() {
		List<Timestamp> oldest = this.jdbc.queryForList(
				"SELECT created_at FROM mqlab_outbox WHERE sent_at IS NULL AND failed_at IS NULL ORDER BY id LIMIT 1",
				Timestamp.class);
		return oldest.stream().findFirst().map(Timestamp::toInstant);
	}

	private long count(String sql) {
		Long count = this.jdbc.queryForObject(sql, Long.class);
		return (count != null) ? count : 0;
	}

}
