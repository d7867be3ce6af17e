package io.mqlab.messaging.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.mqlab.messaging.DeadLetter;
import io.mqlab.messaging.Envelope;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The statements of the table queue. A group's pending messages are its rows in
 * mqlab_delivery, queued in (due_at, id) order: due_at is when the row was published, or
 * the due time of a delayed message. A consumer claims the first due rows that are the
 * head of their key (no earlier row of the same key is left), which keeps at most one
 * message per key in flight across all threads and processes; it leases them (visible_at
 * in the future), and deletes them once handled. A lease that runs out (crashed consumer)
 * makes the row claimable again, with attempts telling it was delivered before.
 * <p>
 * Delayed messages: a row whose due_at is still ahead is neither claimed nor a head, so
 * it never holds back its key, and claims never read it. Once due it takes its place in
 * its key's queue at its due time: after the immediate messages of its key published
 * before then, even those published after it. So per-key order is publish order among
 * immediate messages and due-time order among delayed ones, but delayed messages are not
 * ordered relative to immediate ones by publish order. Only the database clock decides
 * when a row is due (the subscriber re-checks against its own clock). Pending rows are
 * committed rows like any other: they survive restarts of services and of the database.
 */
final class QueueTable {

	/** The channel publishers notify with the topic as payload. */
	static final String CHANNEL = "mqlab_queue";

	/**
	 * When a delivery row becomes due: the envelope's due time exactly (so it is never
	 * claimed before), but never before the insert, so a due time in the past means now
	 * and does not jump ahead of rows already queued. NULL (not delayed) means now.
	 */
	private static final String DUE = "due AS (SELECT greatest(?::timestamptz, now()) AS at) ";

	/**
	 * Stores a batch of envelopes and one delivery row for every group of their topics in
	 * one statement (arrays bound by {@link #bindBatch}), not one statement per envelope.
	 * Seqs are taken in batch order, and delivery ids in seq order, so rows published
	 * together (same due_at) keep their order. Due times as in {@link #DUE}.
	 */
	static final String INSERT_BATCH_FOR_ALL_GROUPS = """
			WITH input AS (
			    SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
			        ?::int[], ?::text[])
			    WITH ORDINALITY AS i(message_id, topic, msg_key, type, headers, payload, published_at,
			        published_nano, deliver_at, ord)),
			m AS (
			    INSERT INTO mqlab_message (%s)
			    SELECT message_id, topic, msg_key, type, headers::jsonb, payload, published_at::timestamptz,
			        published_nano
			    FROM input ORDER BY ord
			    RETURNING seq, topic, msg_key),
			numbered AS (SELECT seq, topic, msg_key, row_number() OVER (ORDER BY seq) AS ord FROM m)
			INSERT INTO mqlab_delivery (topic, group_name, message_seq, msg_key, due_at, visible_at)
			SELECT n.topic, s.group_name, n.seq, n.msg_key, due.at, due.at
			FROM numbered n JOIN input i ON i.ord = n.ord JOIN mqlab_subscription s ON s.topic = n.topic
			CROSS JOIN LATERAL (SELECT greatest(i.deliver_at::timestamptz, now()) AS at) due
			ORDER BY n.seq, s.group_name
			""".formatted(EnvelopeColumns.NAMES);

	/**
	 * Stores an envelope with a delivery row for one group only (a replay). Bind the
	 * envelope columns, the due time ({@link #bindDueAt}), then the group.
	 */
	static final String INSERT_FOR_ONE_GROUP = "WITH m AS (INSERT INTO mqlab_message (" + EnvelopeColumns.NAMES
			+ ") VALUES (" + EnvelopeColumns.PLACEHOLDERS + ") RETURNING seq, topic, msg_key), " + DUE
			+ "INSERT INTO mqlab_delivery (topic, group_name, message_seq, msg_key, due_at, visible_at) "
			+ "SELECT m.topic, ?, m.seq, m.msg_key, due.at, due.at FROM m CROSS JOIN due";

	/** Notifies each topic of an array: new messages for all its groups. */
	static final String NOTIFY = "SELECT pg_notify('" + CHANNEL + "', t) FROM unnest(?) AS t";

	/**
	 * Between topic and group in the payload of a notification for one group: heads were
	 * freed (not in the name alphabet).
	 */
	static final char GROUP_SEPARATOR = ':';

	private static final String NOTIFY_GROUP = "SELECT pg_notify('" + CHANNEL + "', ?)";

	private static final String PROVISION = """
			INSERT INTO mqlab_subscription (topic, group_name) VALUES (?, ?) ON CONFLICT DO NOTHING
			""";

	/**
	 * The claim. %s selects the candidate rows: {@link #ALL_HEADS} or
	 * {@link #WINDOW_HEADS}. Rows of other consumers are skipped (SKIP LOCKED) and leased
	 * rows fail visible_at (rechecked on the latest version of a row locked). Of the
	 * heads found it takes the older half (at most the limit): a member keeps claiming
	 * the next message of the keys it holds, so one that took every head would starve the
	 * other members of its group. Lease and attempts are set in the same statement; the
	 * candidates not taken are unlocked when it ends. It also returns its now() (one row
	 * of NULLs if it claimed nothing): where the look-up of the next due row starts.
	 * Claims and acknowledgements commit synchronously: committing them without waiting
	 * for the WAL flush gave a fifth more throughput but tripled the p99 latency at 1,000
	 * msg/s (./mqlab bench: 12-18 ms against 40-87 ms).
	 */
	private static final String CLAIM = """
			WITH candidates AS (
			    SELECT d.id, d.due_at FROM mqlab_delivery d
			    WHERE %s AND d.visible_at <= now()
			    ORDER BY d.due_at, d.id
			    LIMIT 2 * ?
			    FOR UPDATE SKIP LOCKED),
			taken AS (
			    SELECT id FROM candidates ORDER BY due_at, id
			    LIMIT least(?, (SELECT (count(*) + 1) / 2 FROM candidates))),
			claimed AS (
			    UPDATE mqlab_delivery d
			    SET visible_at = now() + make_interval(secs => ?), attempts = d.attempts + 1, lease = ?
			    FROM taken t WHERE d.id = t.id
			    RETURNING d.id, d.attempts, d.message_seq, d.due_at)
			SELECT t.at, c.id, c.attempts, m.message_id, m.topic, m.msg_key, m.type, m.headers::text AS headers,
			    m.payload, m.published_at, m.published_nano
			FROM (SELECT now() AS at) t
			LEFT JOIN (claimed c JOIN mqlab_message m ON m.seq = c.message_seq) ON true
			ORDER BY c.due_at, c.id
			""";

	/**
	 * Every due head of the group, in queue order (index mqlab_delivery_due, stopping at
	 * now(), so pending delayed rows cost nothing). A row whose key has an earlier row
	 * left is not a head (an earlier row is due too, so a pending one never blocks). That
	 * check is two index probes, not one row comparison: a btree scan does not stop at
	 * the end of a row comparison, and rows published together share due_at.
	 */
	private static final String ALL_HEADS = """
			d.topic = ? AND d.group_name = ? AND d.due_at <= now()
			      AND (d.msg_key IS NULL OR (NOT EXISTS (
			        SELECT 1 FROM mqlab_delivery e
			        WHERE e.topic = d.topic AND e.group_name = d.group_name
			          AND e.msg_key = d.msg_key AND e.due_at < d.due_at)
			      AND NOT EXISTS (
			        SELECT 1 FROM mqlab_delivery e
			        WHERE e.topic = d.topic AND e.group_name = d.group_name
			          AND e.msg_key = d.msg_key AND e.due_at = d.due_at AND e.id < d.id)))""";

	/**
	 * The heads among the group's first due rows only: without a window, a claim while
	 * the few keys of a deep backlog are all in flight reads every row of it to find no
	 * head. The window is a prefix of the queue, so every earlier row of a key in it is
	 * in it too: a head is the first row of its key in the window (one sort of the
	 * window, no probes). The window is computed once (an array), so the plan cannot turn
	 * it into a filter evaluated after the probes of every due row.
	 */
	private static final String WINDOW_HEADS = """
			d.id = ANY (ARRAY(
			        SELECT w.id FROM (
			            SELECT id, msg_key, row_number() OVER (PARTITION BY msg_key ORDER BY due_at, id) AS nth
			            FROM (SELECT id, msg_key, due_at FROM mqlab_delivery
			                WHERE topic = ? AND group_name = ? AND due_at <= now() ORDER BY due_at, id LIMIT ?) f) w
			        WHERE w.msg_key IS NULL OR w.nth = 1))""";

	private static final String CLAIM_WINDOWED = CLAIM.formatted(WINDOW_HEADS);

	private static final String CLAIM_ALL = CLAIM.formatted(ALL_HEADS);

	/** Deletes a delivery we still lease and locks its message row (see ack). */
	private static final String DELETE_DELIVERY = """
			WITH d AS (DELETE FROM mqlab_delivery WHERE id = ? AND lease = ? RETURNING message_seq)
			SELECT m.seq FROM mqlab_message m JOIN d ON m.seq = d.message_seq FOR UPDATE OF m
			""";

	/**
	 * The same for many rows, each matched with its own lease (a row whose lease ran out
	 * and that a later claim of this consumer took again is that claim's, not this
	 * one's); message rows are locked in seq order so that two groups acknowledging the
	 * same messages cannot deadlock.
	 */
	private static final String DELETE_DELIVERIES = """
			WITH d AS (DELETE FROM mqlab_delivery WHERE (id, lease) IN (SELECT * FROM unnest(?::bigint[], ?::uuid[]))
			    RETURNING id, lease, message_seq)
			SELECT d.id, d.lease, m.seq
			FROM mqlab_message m JOIN d ON m.seq = d.message_seq ORDER BY m.seq FOR UPDATE OF m
			""";

	private static final String DELETE_MESSAGES_IF_DONE = """
			DELETE FROM mqlab_message m WHERE m.seq = ANY (?)
			AND NOT EXISTS (SELECT 1 FROM mqlab_delivery d WHERE d.message_seq = m.seq)
			""";

	/**
	 * {@link #DELETE_MESSAGES_IF_DONE} and a notification for the group in one round
	 * trip. A statement of its own after the deliveries' delete: its snapshot sees them
	 * gone.
	 */
	private static final String DELETE_MESSAGES_IF_DONE_AND_NOTIFY = """
			WITH gone AS (DELETE FROM mqlab_message m WHERE m.seq = ANY (?)
			    AND NOT EXISTS (SELECT 1 FROM mqlab_delivery d WHERE d.message_seq = m.seq))
			SELECT pg_notify('%s', ?)
			""".formatted(CHANNEL);

	private static final String INSERT_DEAD_LETTER = "INSERT INTO mqlab_dead_letter (" + EnvelopeColumns.NAMES
			+ ", group_name, error_class, error_message, attempts, failed_at) VALUES (" + EnvelopeColumns.PLACEHOLDERS
			+ ", ?, ?, ?, ?, ?)";

	private static final String RELEASE = """
			WITH r AS (UPDATE mqlab_delivery
			    SET visible_at = now() + make_interval(secs => ?), lease = NULL, attempts = attempts - ?
			    WHERE id = ? AND lease = ? RETURNING id)
			SELECT pg_notify('%s', ?) FROM r
			""".formatted(CHANNEL);

	private static final String EXTEND = """
			UPDATE mqlab_delivery SET visible_at = now() + make_interval(secs => ?)
			WHERE (id, lease) IN (SELECT * FROM unnest(?::bigint[], ?::uuid[]))
			""";

	/** Delayed messages still pending are not backlog yet. */
	private static final String BACKLOG = """
			SELECT count(*) FROM mqlab_delivery WHERE topic = ? AND group_name = ? AND due_at <= now()
			""";

	/**
	 * Milliseconds, by the database clock, until the group's first row due after a claim
	 * is due (NULL: none); one index probe. After the claim, not after now(): a row that
	 * fell due in between would be seen by neither.
	 */
	private static final String UNTIL_NEXT_DUE = """
			SELECT ceil(extract(epoch FROM min(due_at) - clock_timestamp()) * 1000)::bigint
			FROM mqlab_delivery WHERE topic = ? AND group_name = ? AND due_at > ?
			""";

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final Duration leaseTime;

	QueueTable(QueueDatabase database, Duration leaseTime) {
		this.jdbc = database.jdbc();
		this.transactions = database.transactions();
		this.leaseTime = leaseTime;
	}

	Duration leaseTime() {
		return this.leaseTime;
	}

	void provision(String topic, String group) {
		this.jdbc.update(PROVISION, topic, group);
	}

	/**
	 * Leases up to {@code limit} head rows of the group, oldest first, and no more than
	 * half of those it finds.
	 * @param window how many of the group's oldest rows to look at, or 0 for all
	 */
	Claim claim(String topic, String group, int limit, int window) {
		UUID lease = UUID.randomUUID();
		double seconds = this.leaseTime.toMillis() / 1000.0;
		Object[] args = (window > 0) ? new Object[] { topic, group, window, limit, limit, seconds, lease }
				: new Object[] { topic, group, limit, limit, seconds, lease };
		return this.jdbc.query((window > 0) ? CLAIM_WINDOWED : CLAIM_ALL, (rs) -> {
			List<Claimed> rows = new ArrayList<>();
			OffsetDateTime at = null;
			while (rs.next()) {
				at = rs.getObject("at", OffsetDateTime.class);
				if (rs.getObject("id") != null) {
					rows.add(new Claimed(rs.getLong("id"), lease, rs.getInt("attempts"), EnvelopeColumns.read(rs)));
				}
			}
			return new Claim(rows, at);
		}, args);
	}

	/**
	 * Deletes handled deliveries, and their messages once no group needs them, in one
	 * transaction. The message rows are locked first, so of two groups acknowledging the
	 * same message at once the second sees the first's delete and removes the message.
	 * Other members of the group are notified: the next messages of those keys are
	 * claimable now.
	 * @return the claims deleted; a claim missing was leased again (by another consumer
	 * or a later claim of this one) after its lease ran out
	 */
	Set<Held> ack(String topic, String group, Collection<Claimed> rows) {
		Long[] ids = rows.stream().map(Claimed::id).toArray(Long[]::new);
		UUID[] leases = rows.stream().map(Claimed::lease).toArray(UUID[]::new);
		Set<Held> deleted = new HashSet<>();
		this.transactions.executeWithoutResult((status) -> {
			List<Long> seqs = this.jdbc.query(DELETE_DELIVERIES, (ps) -> {
				ps.setArray(1, ps.getConnection().createArrayOf("bigint", ids));
				ps.setArray(2, ps.getConnection().createArrayOf("uuid", leases));
			}, (rs, rowNum) -> {
				deleted.add(new Held(rs.getLong(1), rs.getObject(2, UUID.class)));
				return rs.getLong(3);
			});
			if (!seqs.isEmpty()) {
				Long[] messages = seqs.toArray(Long[]::new);
				this.jdbc.query(DELETE_MESSAGES_IF_DONE_AND_NOTIFY, (ps) -> {
					ps.setArray(1, ps.getConnection().createArrayOf("bigint", messages));
					ps.setString(2, groupPayload(topic, group));
				}, (rs) -> {
				});
			}
		});
		return deleted;
	}

	/**
	 * Stores the dead letter and deletes the delivery in one transaction.
	 * @throws IllegalStateException when the lease ran out: the consumer that holds the
	 * row now decides
	 */
	void deadLetter(Claimed row, DeadLetter deadLetter) {
		this.transactions.executeWithoutResult((status) -> {
			Long seq = lockLeased(row);
			if (seq == null) {
				throw new IllegalStateException("Lease on delivery " + row.id() + " of message " + row.envelope().id()
						+ " ran out; another consumer has it now");
			}
			this.jdbc.update(INSERT_DEAD_LETTER, (ps) -> bindDeadLetter(ps, deadLetter));
			this.jdbc.update(DELETE_MESSAGES_IF_DONE,
					(ps) -> ps.setArray(1, ps.getConnection().createArrayOf("bigint", new Long[] { seq })));
			notifyGroup(row.envelope().topic(), deadLetter.group());
		});
	}

	private Long lockLeased(Claimed row) {
		List<Long> seqs = this.jdbc.queryForList(DELETE_DELIVERY, Long.class, row.id(), row.lease());
		return seqs.isEmpty() ? null : seqs.get(0);
	}

	private static void bindDeadLetter(PreparedStatement ps, DeadLetter deadLetter) throws SQLException {
		int i = EnvelopeColumns.bind(ps, 1, deadLetter.envelope());
		ps.setString(i++, deadLetter.group());
		ps.setString(i++, deadLetter.errorClass());
		ps.setString(i++, deadLetter.errorMessage());
		ps.setInt(i++, deadLetter.attempts());
		ps.setObject(i, OffsetDateTime.ofInstant(deadLetter.failedAt(), ZoneOffset.UTC));
	}

	/**
	 * Makes a row claimable again after {@code delay} (dispatch failed or stopping).
	 * @param started whether a handler saw it; if not, the claim does not count as an
	 * attempt (so the next delivery is not flagged as redelivered)
	 */
	void release(String group, Claimed row, Duration delay, boolean started) {
		this.jdbc.query(RELEASE, (rs) -> {
		}, delay.toMillis() / 1000.0, started ? 0 : 1, row.id(), row.lease(),
				groupPayload(row.envelope().topic(), group));
	}

	private void notifyGroup(String topic, String group) {
		this.jdbc.query(NOTIFY_GROUP, (rs) -> {
		}, groupPayload(topic, group));
	}

	private static String groupPayload(String topic, String group) {
		return topic + GROUP_SEPARATOR + group;
	}

	/** Renews the leases of rows this process still holds; returns how many it holds. */
	int extend(Collection<Claimed> rows) {
		if (rows.isEmpty()) {
			return 0;
		}
		List<Claimed> sorted = rows.stream().sorted(Comparator.comparingLong(Claimed::id)).toList();
		Long[] ids = sorted.stream().map(Claimed::id).toArray(Long[]::new);
		UUID[] leases = sorted.stream().map(Claimed::lease).toArray(UUID[]::new);
		return this.jdbc.update(EXTEND, (ps) -> {
			ps.setDouble(1, this.leaseTime.toMillis() / 1000.0);
			ps.setArray(2, ps.getConnection().createArrayOf("bigint", ids));
			ps.setArray(3, ps.getConnection().createArrayOf("uuid", leases));
		});
	}

	long backlog(String topic, String group) {
		Long count = this.jdbc.queryForObject(BACKLOG, Long.class, topic, group);
		return (count != null) ? count : 0;
	}

	/**
	 * How long until the group's next row due after that claim is due (zero if it is
	 * already), or null when none is.
	 */
	Duration untilNextDue(String topic, String group, Claim after) {
		Long millis = this.jdbc.queryForObject(UNTIL_NEXT_DUE, Long.class, topic, group, after.at());
		return (millis != null) ? Duration.ofMillis(Math.max(0, millis)) : null;
	}

	/**
	 * Binds the parameter of the due time: the envelope's {@code DELIVER_AT} header to
	 * the millisecond, or NULL when it is not delayed.
	 */
	static void bindDueAt(PreparedStatement statement, int index, Envelope envelope) throws SQLException {
		Instant due = envelope.deliverAt();
		if (due != null) {
			statement.setObject(index, OffsetDateTime.ofInstant(due, ZoneOffset.UTC));
		}
		else {
			statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
		}
	}

	/**
	 * Binds the envelopes as the column arrays of {@link #INSERT_BATCH_FOR_ALL_GROUPS}.
	 */
	static void bindBatch(PreparedStatement statement, List<Envelope> envelopes) throws SQLException {
		int n = envelopes.size();
		UUID[] ids = new UUID[n];
		String[][] texts = new String[7][n];
		Integer[] nanos = new Integer[n];
		for (int i = 0; i < n; i++) {
			Envelope envelope = envelopes.get(i);
			Instant timestamp = envelope.timestamp();
			Instant due = envelope.deliverAt();
			ids[i] = envelope.id();
			texts[0][i] = envelope.topic();
			texts[1][i] = envelope.key();
			texts[2][i] = envelope.type();
			texts[3][i] = EnvelopeColumns.headersJson(envelope);
			texts[4][i] = envelope.payload();
			// Truncated, never rounded, as EnvelopeColumns.bind does.
			texts[5][i] = timestamp.truncatedTo(ChronoUnit.MICROS).toString();
			nanos[i] = timestamp.getNano();
			texts[6][i] = (due != null) ? due.toString() : null;
		}
		Connection connection = statement.getConnection();
		statement.setArray(1, connection.createArrayOf("uuid", ids));
		for (int column = 0; column < 6; column++) {
			statement.setArray(2 + column, connection.createArrayOf("text", texts[column]));
		}
		statement.setArray(8, connection.createArrayOf("int4", nanos));
		statement.setArray(9, connection.createArrayOf("text", texts[6]));
	}

	/**
	 * What a claim leased.
	 *
	 * @param rows the rows, in queue order
	 * @param at the database's now() for the claim: rows due until then were considered
	 */
	record Claim(List<Claimed> rows, OffsetDateTime at) {

	}

	/**
	 * A leased delivery.
	 *
	 * @param id the delivery row
	 * @param lease the token of the claim that leased it
	 * @param attempts how often it was claimed, this time included
	 * @param envelope the message
	 */
	record Claimed(long id, UUID lease, int attempts, Envelope envelope) {

		/**
		 * What identifies this claim of the row: a later claim of it has another lease.
		 */
		Held held() {
			return new Held(this.id, this.lease);
		}

	}

	/**
	 * A delivery row as leased by one claim.
	 *
	 * @param id the delivery row
	 * @param lease the token of the claim
	 */
	record Held(long id, UUID lease) {

	}

}
