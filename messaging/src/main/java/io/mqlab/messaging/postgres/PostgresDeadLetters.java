package io.mqlab.messaging.postgres;

import java.time.OffsetDateTime;
import java.util.List;

import io.mqlab.messaging.DeadLetter;
import io.mqlab.messaging.DeadLetters;
import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.MessageHeaders;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Dead letters are rows of mqlab_dead_letter (written by the subscriber's sink together
 * with the delete of the delivery). A replay stores the original envelope again, marked
 * for the group, with a delivery row for that group only, and deletes the dead letter in
 * the same transaction.
 */
final class PostgresDeadLetters implements DeadLetters {

	private static final int REPLAY_CHUNK = 500;

	private static final String SELECT = "SELECT id, " + EnvelopeColumns.SELECTED
			+ ", group_name, error_class, error_message, attempts, failed_at FROM mqlab_dead_letter "
			+ "WHERE topic = ? AND group_name = ? ORDER BY id LIMIT ?";

	private static final String DELETE = "DELETE FROM mqlab_dead_letter WHERE id = ANY (?)";

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	PostgresDeadLetters(QueueDatabase database) {
		this.jdbc = database.jdbc();
		this.transactions = database.transactions();
	}

	@Override
	public List<DeadLetter> list(String topic, String group, int limit) {
		return select(QueueNames.check("topic", topic), QueueNames.check("group", group), limit, false).stream()
			.map(Row::deadLetter)
			.toList();
	}

	@Override
	public int replay(String topic, String group) {
		QueueNames.check("topic", topic);
		QueueNames.check("group", group);
		int replayed = 0;
		int chunk;
		do {
			Integer count = this.transactions.execute((status) -> replayChunk(topic, group));
			chunk = (count != null) ? count : 0;
			replayed += chunk;
		}
		while (chunk == REPLAY_CHUNK);
		return replayed;
	}

	private int replayChunk(String topic, String group) {
		List<Row> rows = select(topic, group, REPLAY_CHUNK, true);
		if (rows.isEmpty()) {
			return 0;
		}
		List<Envelope> envelopes = rows.stream()
			.map((row) -> row.deadLetter().envelope().withHeader(MessageHeaders.REPLAY_GROUP, group))
			.toList();
		this.jdbc.batchUpdate(QueueTable.INSERT_FOR_ONE_GROUP, envelopes, envelopes.size(), (ps, envelope) -> {
			int next = EnvelopeColumns.bind(ps, 1, envelope);
			QueueTable.bindDueAt(ps, next, envelope);
			ps.setString(next + 1, group);
		});
		Long[] ids = rows.stream().map(Row::id).toArray(Long[]::new);
		this.jdbc.update(DELETE, (ps) -> ps.setArray(1, ps.getConnection().createArrayOf("bigint", ids)));
		this.jdbc.query(QueueTable.NOTIFY,
				(ps) -> ps.setArray(1, ps.getConnection().createArrayOf("text", new String[] { topic })), (rs) -> {
				});
		return rows.size();
	}

	private List<Row> select(String topic, String group, int limit, boolean lock) {
		return this.jdbc.query(lock ? SELECT + " FOR UPDATE" : SELECT,
				(rs, rowNum) -> new Row(rs.getLong("id"),
						new DeadLetter(EnvelopeColumns.read(rs), rs.getString("group_name"),
								rs.getString("error_class"), rs.getString("error_message"), rs.getInt("attempts"),
								rs.getObject("failed_at", OffsetDateTime.class).toInstant())),
				topic, group, limit);
	}

	private record Row(long id, DeadLetter deadLetter) {

	}

}
