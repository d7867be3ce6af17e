package io.mqlab.messaging.postgres;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.MessageHeaders;
import io.mqlab.messaging.MessagePublisher;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes by inserting rows: the envelope once in mqlab_message and a delivery row for
 * every group of the topic, plus a notification, committed together. The future completes
 * on commit.
 * <p>
 * One writer thread does the inserts, so the caller's thread never waits on the database
 * (Messaging bounds the wait with publish-timeout), publishes leave in the order they
 * were made (per-key order also for asynchronous publishes), and publishes made while a
 * commit is under way share the next transaction (group commit).
 * <p>
 * A delayed envelope (header {@code DELIVER_AT}) is inserted the same way with its rows
 * due at that time (see {@link QueueTable}); the notification makes consumers look up
 * when the next delayed row is due, and they claim it then.
 */
final class PostgresMessagePublisher implements MessagePublisher, DisposableBean {

	private static final Log logger = LogFactory.getLog(PostgresMessagePublisher.class);

	private static final int MAX_BATCH = 1000;

	private static final int MAX_WAITING = 10_000;

	private static final String TOPICS_WITH_GROUPS = "SELECT DISTINCT topic FROM mqlab_subscription WHERE topic = ANY (?)";

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final Duration publishTimeout;

	private final BlockingQueue<Pending> waiting = new LinkedBlockingQueue<>(MAX_WAITING);

	private final Set<String> reportedWithoutGroups = ConcurrentHashMap.newKeySet();

	private final Thread writer;

	private volatile boolean running = true;

	PostgresMessagePublisher(QueueDatabase database, Duration publishTimeout) {
		this.jdbc = database.jdbc();
		this.transactions = database.transactions();
		this.publishTimeout = publishTimeout;
		this.writer = new Thread(this::run, "mqlab-postgres-publisher");
		this.writer.setDaemon(true);
		this.writer.start();
	}

	@Override
	public void validate(Envelope envelope) {
		QueueNames.check("topic", envelope.topic());
	}

	@Override
	public CompletableFuture<Void> publish(Envelope envelope) {
		return publishAll(List.of(envelope));
	}

	@Override
	public CompletableFuture<Void> publishAll(List<Envelope> envelopes) {
		envelopes.forEach(PostgresMessagePublisher::check);
		if (envelopes.isEmpty()) {
			return CompletableFuture.completedFuture(null);
		}
		Pending pending = new Pending(List.copyOf(envelopes), new CompletableFuture<>(),
				System.nanoTime() + this.publishTimeout.toNanos());
		if (!this.running) {
			pending.future().completeExceptionally(new IllegalStateException("The PostgreSQL publisher is closed"));
		}
		else if (!this.waiting.offer(pending)) {
			pending.future()
				.completeExceptionally(new IllegalStateException(
						MAX_WAITING + " publishes are already waiting for the PostgreSQL queue database"));
		}
		return pending.future();
	}

	/** Fails the caller, not the shared batch, on a name or due time SQL cannot take. */
	private static void check(Envelope envelope) {
		QueueNames.check("topic", envelope.topic());
		try {
			envelope.deliverAt();
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException(
					"Header " + MessageHeaders.DELIVER_AT + " must be a due time in epoch milliseconds, not '"
							+ envelope.header(MessageHeaders.DELIVER_AT) + "'",
					ex);
		}
	}

	private void run() {
		while (this.running || !this.waiting.isEmpty()) {
			try {
				Pending first = this.waiting.poll(200, TimeUnit.MILLISECONDS);
				if (first != null) {
					writeBatch(first);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		Pending left;
		while ((left = this.waiting.poll()) != null) {
			left.future().completeExceptionally(new IllegalStateException("The PostgreSQL publisher was closed"));
		}
	}

	private void writeBatch(Pending first) {
		List<Pending> batch = new ArrayList<>();
		int size = 0;
		Pending next = first;
		while (next != null) {
			// A caller stopped waiting after publish-timeout and was told it failed:
			// writing it now would publish what it believes was not.
			if (System.nanoTime() - next.deadline() > 0) {
				next.future()
					.completeExceptionally(new IllegalStateException("Not written: waited longer than publish-timeout ("
							+ this.publishTimeout + ") for the PostgreSQL queue database"));
			}
			else {
				batch.add(next);
				size += next.envelopes().size();
			}
			next = (size < MAX_BATCH) ? this.waiting.poll() : null;
		}
		if (batch.isEmpty()) {
			return;
		}
		try {
			List<Envelope> envelopes = batch.stream().flatMap((pending) -> pending.envelopes().stream()).toList();
			this.transactions.executeWithoutResult((status) -> insert(envelopes));
			batch.forEach((pending) -> pending.future().complete(null));
		}
		catch (RuntimeException ex) {
			logger.debug("Publish of " + size + " message(s) failed", ex);
			batch.forEach((pending) -> pending.future().completeExceptionally(ex));
		}
	}

	private void insert(List<Envelope> envelopes) {
		String[] topics = envelopes.stream().map(Envelope::topic).distinct().toArray(String[]::new);
		Set<String> withGroups = new LinkedHashSet<>(this.jdbc.query(TOPICS_WITH_GROUPS,
				(ps) -> ps.setArray(1, ps.getConnection().createArrayOf("text", topics)),
				(rs, rowNum) -> rs.getString(1)));
		List<Envelope> kept = new ArrayList<>(envelopes.size());
		for (Envelope envelope : envelopes) {
			if (withGroups.contains(envelope.topic())) {
				kept.add(envelope);
			}
			else if (this.reportedWithoutGroups.add(envelope.topic())) {
				logger.info("No group subscribes to topic '" + envelope.topic() + "' yet, so its messages are not kept "
						+ "(a table queue has no retention): provision or subscribe a group first");
			}
		}
		if (kept.isEmpty()) {
			return;
		}
		this.jdbc.update(QueueTable.INSERT_BATCH_FOR_ALL_GROUPS, (ps) -> QueueTable.bindBatch(ps, kept));
		String[] notified = withGroups.toArray(String[]::new);
		this.jdbc.query(QueueTable.NOTIFY, (ps) -> ps.setArray(1, ps.getConnection().createArrayOf("text", notified)),
				(rs) -> {
				});
	}

	@Override
	public void destroy() throws InterruptedException {
		this.running = false;
		this.writer.join(this.publishTimeout.toMillis() + 1000);
	}

	private record Pending(List<Envelope> envelopes, CompletableFuture<Void> future, long deadline) {

	}

}
