package io.mqlab.messaging.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.mqlab.messaging.BatchDispatchException;
import io.mqlab.messaging.DeadLetter;
import io.mqlab.messaging.Dispatcher;
import io.mqlab.messaging.Envelope;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StreamOperations;
import org.springframework.data.redis.serializer.StringRedisSerializer;

/**
 * One worker thread of a subscription: reads the partitions assigned to it, in order, and
 * acknowledges entries once the dispatcher returned, a read batch at a time.
 * <ul>
 * <li>On taking a partition it first claims what a previous (crashed or departed) owner
 * left pending, and waits while entries delivered less than the visibility timeout ago
 * are still held by another consumer, so nothing overtakes them.</li>
 * <li>Its own pending entries (XREADGROUP 0) come before new ones (XREADGROUP &gt;):
 * after a failed dispatch, a lost acknowledgement or a takeover, order holds. Pending and
 * claimed entries are flagged as redelivered.</li>
 * <li>It loops inside one template session, so its blocking XREADGROUP runs on the
 * session's dedicated connection: Lettuce shares one native connection between threads
 * and Spring Data Redis moves blocking commands off it, onto a dedicated connection per
 * {@code RedisConnection}; reusing the session keeps that one connection instead of
 * opening one per read.</li>
 * <li>Connection errors are logged, backed off and retried with a fresh session.</li>
 * </ul>
 */
final class RedisPartitionWorker {

	private static final Log logger = LogFactory.getLog(RedisPartitionWorker.class);

	private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private static final long TAKE_OVER_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

	private static final long MAX_BACKOFF_MILLIS = 2000;

	/** Handled entries wait at most this long for the next read before the next entry. */
	private static final long ACK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final RedisSubscription subscription;

	private final List<PartitionLease> leases = new CopyOnWriteArrayList<>();

	private final Thread thread;

	private final Consumer consumer;

	private final StreamReadOptions newEntries;

	private final StreamReadOptions pendingEntries;

	private int failures;

	/** Entries handled and not yet acknowledged, by stream. */
	private final Map<String, List<RecordId>> acks = new LinkedHashMap<>();

	private long ackDeadline;

	RedisPartitionWorker(RedisSubscription subscription, String name) {
		this.subscription = subscription;
		this.consumer = Consumer.from(subscription.group, subscription.member);
		int batch = subscription.settings.batchSize();
		Duration block = subscription.settings.blockTimeout();
		this.newEntries = StreamReadOptions.empty().count(batch).block(block);
		this.pendingEntries = StreamReadOptions.empty().count(batch);
		this.thread = new Thread(this::run, name);
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	void assign(PartitionLease lease) {
		this.leases.add(lease);
		wake();
	}

	int leaseCount() {
		return this.leases.size();
	}

	void wake() {
		LockSupport.unpark(this.thread);
	}

	boolean isAlive() {
		return this.thread.isAlive() && this.thread != Thread.currentThread();
	}

	void interrupt() {
		this.thread.interrupt();
	}

	void join(long millis) {
		if (this.thread == Thread.currentThread()) {
			return;
		}
		try {
			this.thread.join(Math.max(millis, 1));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void run() {
		try {
			while (!this.subscription.isStopping()) {
				try {
					this.subscription.template.execute(new SessionCallback<Void>() {
						@Override
						public <K, V> Void execute(RedisOperations<K, V> operations) throws DataAccessException {
							serve();
							return null;
						}
					});
				}
				catch (RuntimeException ex) {
					failed(ex);
				}
			}
		}
		finally {
			try {
				acknowledge();
			}
			catch (RuntimeException ex) {
				logger.debug(this + " could not acknowledge what it handled, it is delivered again: " + ex);
			}
			this.leases.forEach(this::letGo);
			// An interrupt was meant for the handler (stop timed out): do not leak it.
			Thread.interrupted();
		}
	}

	private void serve() {
		StreamOperations<String, String, String> streams = this.subscription.template.opsForStream();
		while (!this.subscription.isStopping()) {
			List<PartitionLease> readable = readable();
			if (readable.isEmpty()) {
				acknowledge();
				LockSupport.parkNanos(this, IDLE_NANOS);
				continue;
			}
			if (!readPending(streams, readable)) {
				readNew(readable);
			}
			if (this.failures > 0) {
				logger.info(this + " reads again");
				this.failures = 0;
			}
		}
		acknowledge();
	}

	/** The assigned partitions that can be read now; lets go of those to give back. */
	private List<PartitionLease> readable() {
		List<PartitionLease> readable = new ArrayList<>();
		for (PartitionLease lease : this.leases) {
			if (lease.lost || lease.releaseRequested) {
				// What it handled must not be handed over as unacknowledged.
				acknowledge();
				letGo(lease);
			}
			else if (lease.isValid() && (lease.ready || takeOver(lease))) {
				readable.add(lease);
			}
		}
		return readable;
	}

	private boolean takeOver(PartitionLease lease) {
		long now = System.nanoTime();
		if (now - lease.nextTakeOver < 0) {
			return false;
		}
		Long held = this.subscription.template.execute(RedisScripts.TAKE_OVER, List.of(lease.stream, lease.leaseKey),
				this.subscription.group, this.subscription.member, Long.toString(this.subscription.leaseMillis()));
		if (held == null || held < 0) {
			lease.lost = true;
			letGo(lease);
			return false;
		}
		if (held > 0) {
			if (!lease.waitingLogged) {
				logger.info(this + " waits for " + held + " entries of " + lease
						+ " held by a previous owner to become claimable (mqlab.messaging.visibility-timeout)");
				lease.waitingLogged = true;
			}
			lease.nextTakeOver = now + TAKE_OVER_RETRY_NANOS;
			return false;
		}
		lease.ready = true;
		lease.readPending = true;
		return true;
	}

	private void letGo(PartitionLease lease) {
		this.leases.remove(lease);
		lease.drained = true;
		this.subscription.wakeLeaseThread();
	}

	/** Reads own pending entries first; returns whether there were any. */
	@SuppressWarnings("unchecked")
	private boolean readPending(StreamOperations<String, String, String> streams, List<PartitionLease> readable) {
		boolean read = false;
		for (PartitionLease lease : readable) {
			if (!lease.readPending) {
				continue;
			}
			// Else XREADGROUP 0 returns entries handled but not yet acknowledged.
			acknowledge();
			List<MapRecord<String, String, String>> records = streams.read(this.consumer, this.pendingEntries,
					StreamOffset.create(lease.stream, ReadOffset.from("0")));
			if (records == null || records.isEmpty()) {
				lease.readPending = false;
			}
			else {
				read = true;
				handle(lease, records, true);
			}
		}
		return read;
	}

	/**
	 * Reads new entries of every readable partition with one XREADGROUP, pipelined after
	 * the XACKs of what was handled since the last read: one round trip per batch.
	 */
	@SuppressWarnings("unchecked")
	private void readNew(List<PartitionLease> readable) {
		StreamOffset<byte[]>[] offsets = readable.stream()
			.map((lease) -> StreamOffset.create(bytes(lease.stream), ReadOffset.lastConsumed()))
			.toArray(StreamOffset[]::new);
		List<ByteRecord> records = exchange(offsets);
		if (records == null || records.isEmpty()) {
			return;
		}
		Map<String, List<MapRecord<String, String, String>>> byStream = new LinkedHashMap<>();
		for (ByteRecord record : records) {
			MapRecord<String, String, String> entry = record.deserialize(StringRedisSerializer.UTF_8);
			byStream.computeIfAbsent(entry.getStream(), (stream) -> new ArrayList<>()).add(entry);
		}
		if (this.subscription.dispatcher.maxBatch() > 1) {
			List<Entry> entries = new ArrayList<>(records.size());
			for (PartitionLease lease : readable) {
				byStream.getOrDefault(lease.stream, List.of())
					.forEach((record) -> entries.add(new Entry(lease, record)));
			}
			handleBatches(entries, false);
			return;
		}
		for (PartitionLease lease : readable) {
			List<MapRecord<String, String, String>> batch = byStream.get(lease.stream);
			if (batch != null) {
				handle(lease, batch, false);
			}
		}
	}

	/**
	 * Sends the XACKs of the handled entries, one per stream, and then, if offsets are
	 * given, the XREADGROUP of new entries, all in one pipeline. An interrupt (stop timed
	 * out) is held back while only acknowledging: Lettuce would cancel the command, and
	 * what was handled would be delivered again.
	 * @return the entries read
	 */
	@SuppressWarnings("unchecked")
	private List<ByteRecord> exchange(StreamOffset<byte[]>[] offsets) {
		if (this.acks.isEmpty()) {
			return (offsets != null) ? this.subscription.template
				.execute((RedisCallback<List<ByteRecord>>) (connection) -> connection.streamCommands()
					.xReadGroup(this.consumer, this.newEntries, offsets)) : null;
		}
		boolean interrupted = offsets == null && Thread.interrupted();
		try {
			List<Object> replies = this.subscription.template.execute((RedisCallback<List<Object>>) (connection) -> {
				connection.openPipeline();
				boolean closed = false;
				try {
					this.acks.forEach((stream, ids) -> connection.streamCommands()
						.xAck(bytes(stream), this.subscription.group, ids.toArray(RecordId[]::new)));
					if (offsets != null) {
						connection.streamCommands().xReadGroup(this.consumer, this.newEntries, offsets);
					}
					closed = true;
					return connection.closePipeline();
				}
				finally {
					if (!closed) {
						connection.closePipeline();
					}
				}
			});
			this.acks.clear();
			return (offsets != null && replies != null && !replies.isEmpty())
					? (List<ByteRecord>) replies.get(replies.size() - 1) : null;
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** Acknowledges what was handled and not yet acknowledged. */
	private void acknowledge() {
		exchange(null);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * An entry that is not an mqlab envelope goes to the dead letters at once, as it was
	 * (its fields as JSON), under an id derived from its stream position.
	 * @return whether the dead letter was stored (only then may the entry be acked)
	 */
	private boolean deadLetterUnreadable(PartitionLease lease, MapRecord<String, String, String> record,
			IllegalArgumentException cause) {
		String position = lease.stream + "/" + record.getId();
		Envelope raw = new Envelope(UUID.nameUUIDFromBytes(position.getBytes(StandardCharsets.UTF_8)),
				this.subscription.topic, null, "", Instant.now(), Map.of("mqlab-stream-entry", position),
				JsonMapper.shared().writeValueAsString(record.getValue()));
		try {
			this.subscription.sink.deadLetter(new DeadLetter(raw, this.subscription.group, cause.getClass().getName(),
					cause.getMessage(), 0, Instant.now()));
			logger.warn("Dead-lettered entry " + position + ", not an mqlab message: " + cause.getMessage());
			return true;
		}
		catch (Exception ex) {
			logger.warn("Could not dead-letter unreadable entry " + position + ", it stays pending: " + ex);
			return false;
		}
	}

	/**
	 * Dispatches entries in order. Those handled are acknowledged with the next read, or
	 * sooner: before their partition is let go of, before their own pending entries are
	 * read again, before backing off, and between entries once
	 * {@link #ACK_INTERVAL_NANOS} passed since the first unacknowledged one (so a slow
	 * handler holds back at most what was handled before it; a crash redelivers what was
	 * handled but not yet acknowledged: at-least-once). Stops after the entry in hand
	 * (the rest stays pending: read again first, or handed over with the partition) when
	 * stopping, when the partition goes to another member or when a dispatch fails.
	 */
	private void handle(PartitionLease lease, List<MapRecord<String, String, String>> records, boolean redelivered) {
		if (this.subscription.dispatcher.maxBatch() > 1) {
			handleBatches(records.stream().map((record) -> new Entry(lease, record)).toList(), redelivered);
			return;
		}
		for (MapRecord<String, String, String> record : records) {
			if (!this.acks.isEmpty() && System.nanoTime() - this.ackDeadline > 0) {
				acknowledge();
			}
			if (!handle(lease, record, redelivered)) {
				return;
			}
			if (this.acks.isEmpty()) {
				this.ackDeadline = System.nanoTime() + ACK_INTERVAL_NANOS;
			}
			this.acks.computeIfAbsent(lease.stream, (stream) -> new ArrayList<>()).add(record.getId());
		}
	}

	/**
	 * Dispatches entries in order, up to the dispatcher's batch at a time, across the
	 * partitions read (each partition's entries in order): one handler call, one sink
	 * write, per read. Acknowledges them as
	 * {@link #handle(PartitionLease, List, boolean)} does. An entry that is not an mqlab
	 * envelope ends a batch and is handled alone; the entries of a partition this worker
	 * no longer holds are left pending. When a batch stops part way, what was handled of
	 * it is acknowledged and the rest stays pending, read again first.
	 */
	private void handleBatches(List<Entry> entries, boolean redelivered) {
		Set<PartitionLease> left = new HashSet<>();
		int from = 0;
		while (from < entries.size()) {
			if (!this.acks.isEmpty() && System.nanoTime() - this.ackDeadline > 0) {
				acknowledge();
			}
			if (this.subscription.isStopping()) {
				readAgain(entries.subList(from, entries.size()));
				return;
			}
			List<Dispatcher.Delivery> batch = new ArrayList<>();
			List<Entry> held = new ArrayList<>();
			int until = from;
			while (until < entries.size() && batch.size() < this.subscription.dispatcher.maxBatch()) {
				Entry entry = entries.get(until);
				PartitionLease lease = entry.lease();
				if (left.contains(lease) || lease.lost || lease.releaseRequested || !lease.isValid()) {
					// once one of its entries is left, every later one is: order holds
					left.add(lease);
					lease.readPending = true;
					until++;
					continue;
				}
				try {
					batch.add(new Dispatcher.Delivery(
							RedisEnvelopes.envelope(this.subscription.topic, entry.record().getValue()), redelivered));
					held.add(entry);
					until++;
				}
				catch (IllegalArgumentException ex) {
					break;
				}
			}
			if (batch.isEmpty()) {
				if (until == from) {
					// not an envelope: dead-lettered alone
					Entry entry = entries.get(from);
					if (!handle(entry.lease(), entry.record(), redelivered)) {
						readAgain(entries.subList(from, entries.size()));
						return;
					}
					acked(entry.lease(), entry.record());
					from++;
				}
				else {
					from = until;
				}
				continue;
			}
			int handled = batch.size();
			BatchDispatchException failure = null;
			try {
				this.subscription.dispatcher.dispatchBatch(batch, this.subscription.sink);
			}
			catch (BatchDispatchException ex) {
				failure = ex;
				handled = ex.handled();
			}
			for (int i = 0; i < handled; i++) {
				acked(held.get(i).lease(), held.get(i).record());
			}
			if (failure != null) {
				readAgain(held.subList(handled, held.size()));
				readAgain(entries.subList(until, entries.size()));
				if (failure.interrupted()) {
					Thread.currentThread().interrupt();
					return;
				}
				logger.warn("Message " + batch.get(handled).envelope().id() + " of " + held.get(handled).lease()
						+ " stays pending for group '" + this.subscription.group + "' and is read again: "
						+ failure.getCause());
				acknowledge();
				backOff();
				return;
			}
			from = until;
		}
	}

	/** Entries not handled stay pending: their partitions read those again first. */
	private static void readAgain(List<Entry> unhandled) {
		unhandled.forEach((entry) -> entry.lease().readPending = true);
	}

	/** Queues the acknowledgement of a handled entry. */
	private void acked(PartitionLease lease, MapRecord<String, String, String> record) {
		if (this.acks.isEmpty()) {
			this.ackDeadline = System.nanoTime() + ACK_INTERVAL_NANOS;
		}
		this.acks.computeIfAbsent(lease.stream, (stream) -> new ArrayList<>()).add(record.getId());
	}

	/**
	 * Dispatches one entry; returns whether it may be acknowledged and the next one
	 * handled.
	 */
	private boolean handle(PartitionLease lease, MapRecord<String, String, String> record, boolean redelivered) {
		if (this.subscription.isStopping() || lease.lost || lease.releaseRequested || !lease.isValid()) {
			lease.readPending = true;
			return false;
		}
		Envelope envelope;
		try {
			envelope = RedisEnvelopes.envelope(this.subscription.topic, record.getValue());
		}
		catch (IllegalArgumentException ex) {
			if (!deadLetterUnreadable(lease, record, ex)) {
				lease.readPending = true;
				acknowledge();
				backOff();
				return false;
			}
			return true;
		}
		try {
			this.subscription.dispatcher.dispatch(envelope, redelivered, this.subscription.sink);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			lease.readPending = true;
			return false;
		}
		catch (Exception | Error ex) {
			// Errors too (e.g. an assertion in a handler): the thread must live on.
			logger.warn("Message " + envelope.id() + " of " + lease + " stays pending for group '"
					+ this.subscription.group + "' and is read again: " + ex);
			lease.readPending = true;
			acknowledge();
			backOff();
			return false;
		}
	}

	private void failed(RuntimeException ex) {
		if (this.failures == 0) {
			logger.warn(this + " failed to read, retrying with backoff: " + ex);
		}
		else {
			logger.debug(this + " failed to read again: " + ex);
		}
		// Entries may have been delivered without our seeing them: read pending first.
		this.leases.forEach((lease) -> lease.readPending = true);
		if (isNoGroup(ex)) {
			// Redis lost the groups (e.g. restarted without persistence): create them
			// again.
			this.leases.forEach((lease) -> lease.ready = false);
			try {
				this.subscription.provision();
			}
			catch (RuntimeException provisionFailure) {
				logger.debug("Could not provision the groups again: " + provisionFailure);
			}
		}
		backOff();
	}

	private void backOff() {
		this.failures++;
		long millis = Math.min(100L << Math.min(this.failures - 1, 10), MAX_BACKOFF_MILLIS);
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		while (!this.subscription.isStopping() && deadline - System.nanoTime() > 0) {
			LockSupport.parkNanos(this, deadline - System.nanoTime());
		}
	}

	private static boolean isNoGroup(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause.getMessage() != null && cause.getMessage().contains("NOGROUP")) {
				return true;
			}
		}
		return false;
	}

	@Override
	public String toString() {
		return "worker " + this.thread.getName();
	}

	/** An entry read and the partition it was read from. */
	private record Entry(PartitionLease lease, MapRecord<String, String, String> record) {
	}

}
