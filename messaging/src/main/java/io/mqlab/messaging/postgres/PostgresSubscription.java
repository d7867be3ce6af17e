package io.mqlab.messaging.postgres;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.mqlab.messaging.BatchDispatchException;
import io.mqlab.messaging.Dispatcher;
import io.mqlab.messaging.Subscription;
import io.mqlab.messaging.SubscriptionSpec;
import io.mqlab.messaging.postgres.QueueTable.Claim;
import io.mqlab.messaging.postgres.QueueTable.Claimed;
import io.mqlab.messaging.postgres.QueueTable.Held;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One subscription: a fetcher thread that claims head rows of the group and renews their
 * leases, and {@code concurrency} handler threads. Spring has no listener container for a
 * table queue, hence this loop. Claimed rows are heads of distinct keys, so handling them
 * in parallel keeps per-key order; the next row of a key can only be claimed once the
 * previous one is deleted.
 * <p>
 * Delayed rows: after a claim finds nothing, the fetcher asks the database when the
 * group's next delayed row is due and sleeps until then (never longer than the poll
 * interval), so a delayed message is claimed when it becomes due without polling for it.
 */
final class PostgresSubscription implements Subscription {

	private static final Log logger = LogFactory.getLog(PostgresSubscription.class);

	private static final Duration GRACEFUL_STOP = Duration.ofSeconds(10);

	private final SubscriptionSpec spec;

	private final Dispatcher dispatcher;

	private final QueueTable table;

	private final Duration pollInterval;

	private final int capacity;

	private final int window;

	/**
	 * Rows leased and not yet acknowledged or released: their leases are renewed. Keyed
	 * by row and lease: a row whose lease ran out may be claimed again while its first
	 * handler still runs, and each claim is settled on its own.
	 */
	private final Map<Held, Claimed> held = new ConcurrentHashMap<>();

	/** Rows handled, to be deleted by the fetcher in one transaction per pass. */
	private final Queue<Claimed> handled = new ConcurrentLinkedQueue<>();

	private final Semaphore wakeUps = new Semaphore(0);

	private final ThreadPoolExecutor handlers;

	private final Thread fetcher;

	private final Consumer<PostgresSubscription> onStopped;

	private volatile boolean running = true;

	private volatile boolean abandoned;

	private final AtomicBoolean notified = new AtomicBoolean();

	private final AtomicBoolean freed = new AtomicBoolean();

	private long nextFullClaim;

	private long lastClaimAt;

	private boolean lastClaimFull = true;

	/** When the next delayed row is due (epoch millis), or Long.MAX_VALUE if unknown. */
	private long nextDueAt = Long.MAX_VALUE;

	PostgresSubscription(SubscriptionSpec spec, Dispatcher dispatcher, QueueTable table, Duration pollInterval,
			int batchSize, Consumer<PostgresSubscription> onStopped) {
		this.spec = spec;
		this.dispatcher = dispatcher;
		this.table = table;
		this.pollInterval = pollInterval;
		// Holding up to a batch (like a prefetch) saves claims; the leases of held rows
		// are renewed until they are handled. A batch listener's claim may fill a batch.
		this.capacity = Math.max(Math.max(batchSize, dispatcher.maxBatch()), spec.concurrency());
		this.window = Math.max(4 * this.capacity, 100);
		this.onStopped = onStopped;
		String name = "mqlab-pg-" + spec.topic() + "-" + spec.group();
		AtomicInteger count = new AtomicInteger();
		this.handlers = new ThreadPoolExecutor(spec.concurrency(), spec.concurrency(), 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		this.fetcher = new Thread(this::fetch, name + "-fetch");
		this.fetcher.setDaemon(true);
	}

	void start() {
		this.fetcher.start();
	}

	/** Messages were published to the topic (or may have been, after a reconnect). */
	void published() {
		this.notified.set(true);
		wakeUp();
	}

	/** Another member of the group acknowledged or released messages. */
	void freed() {
		this.freed.set(true);
		wakeUp();
	}

	/** Something changed: a message was handled, new ones published, stopping. */
	private void wakeUp() {
		this.wakeUps.release();
	}

	@Override
	public String topic() {
		return this.spec.topic();
	}

	@Override
	public String group() {
		return this.spec.group();
	}

	@Override
	public boolean isRunning() {
		return this.fetcher.isAlive();
	}

	/** Stops claiming without waiting (so that many subscriptions stop together). */
	void requestStop() {
		this.running = false;
		wakeUp();
	}

	/**
	 * Stops claiming, hands rows not started back, lets the handlers finish (interrupting
	 * them after a grace period) and waits until every row is acknowledged or released.
	 */
	@Override
	public void stop() {
		requestStop();
		try {
			this.fetcher.join(GRACEFUL_STOP.toMillis());
			if (this.fetcher.isAlive()) {
				logger.warn("Handlers of " + topic() + "/" + group() + " still busy after " + GRACEFUL_STOP
						+ ", interrupting them");
				this.handlers.shutdownNow();
				this.fetcher.join(this.table.leaseTime().toMillis());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.handlers.shutdownNow();
		if (this.fetcher.isAlive()) {
			// The database is gone: leases run out and others get the rows.
			this.abandoned = true;
			wakeUp();
		}
		this.onStopped.accept(this);
	}

	private void fetch() {
		long renewEvery = Math.max(this.table.leaseTime().toMillis() / 3, 100);
		long nextRenewal = System.currentTimeMillis() + renewEvery;
		boolean failing = false;
		while ((this.running || !this.held.isEmpty()) && !this.abandoned) {
			try {
				if (!this.running) {
					releaseNotStarted();
				}
				acknowledgeHandled();
				if (System.currentTimeMillis() >= nextRenewal) {
					renewLeases();
					nextRenewal = System.currentTimeMillis() + renewEvery;
				}
				boolean more = this.running && claim();
				if (!more && this.handled.isEmpty()) {
					long now = System.currentTimeMillis();
					long wait = Math.min(this.pollInterval.toMillis(), Math.max(1, nextRenewal - now));
					if (this.nextDueAt != Long.MAX_VALUE) {
						wait = Math.min(wait, Math.max(1, this.nextDueAt - now));
					}
					this.wakeUps.tryAcquire(wait, TimeUnit.MILLISECONDS);
					this.wakeUps.drainPermits();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				if (!failing) {
					logger.warn("Polling " + topic() + "/" + group() + " failed, retrying every " + this.pollInterval
							+ ": " + ex.getMessage());
					failing = true;
				}
				sleepQuietly(this.pollInterval);
				continue;
			}
			if (failing) {
				logger.info("Polling " + topic() + "/" + group() + " works again");
				failing = false;
			}
		}
	}

	/**
	 * Deletes what the handlers finished since the last pass, in one transaction: while
	 * it commits, more finish (a natural batch). The next row of each key becomes
	 * claimable only now.
	 */
	private void acknowledgeHandled() {
		List<Claimed> rows = new ArrayList<>();
		Claimed row;
		while ((row = this.handled.poll()) != null) {
			rows.add(row);
		}
		if (rows.isEmpty()) {
			return;
		}
		Set<Held> deleted;
		try {
			deleted = this.table.ack(topic(), group(), rows);
		}
		catch (RuntimeException ex) {
			// Still held and renewed: retried on the next pass.
			this.handled.addAll(rows);
			throw ex;
		}
		for (Claimed done : rows) {
			this.held.remove(done.held());
			if (!deleted.contains(done.held())) {
				logger.warn("Handled message " + done.envelope().id() + " on " + topic() + "/" + group()
						+ " after its lease ran out: another consumer got it too (raise visibility-timeout?)");
			}
		}
	}

	/**
	 * Claims when it is worth a query: a handler is idle, or half the capacity is free
	 * and the last claim was full or another member freed heads, or new messages were
	 * notified, or a delayed row became due, or a poll interval passed.
	 * @return whether to claim again at once (the claim was full)
	 */
	private boolean claim() {
		int held = this.held.size();
		int room = this.capacity - held;
		if (room <= 0) {
			// Nothing can be claimed before a handler finishes, which wakes the fetcher.
			this.nextDueAt = Long.MAX_VALUE;
			return false;
		}
		long now = System.currentTimeMillis();
		boolean lowWater = held <= this.capacity / 2;
		boolean due = held < this.spec.concurrency() || (lowWater && (this.lastClaimFull || this.freed.get()))
				|| this.notified.get() || now >= this.nextDueAt
				|| now >= this.lastClaimAt + this.pollInterval.toMillis();
		if (!due) {
			return false;
		}
		// Cleared before the query: what is notified during it triggers another claim.
		this.freed.set(false);
		this.notified.set(false);
		this.lastClaimAt = now;
		Claim claim = this.table.claim(topic(), group(), room, this.window);
		// Heads beyond the window (keys stuck behind a deep backlog of keys in flight)
		// are looked for by a full claim at most once per poll interval.
		if (claim.rows().isEmpty() && now >= this.nextFullClaim) {
			claim = this.table.claim(topic(), group(), room, 0);
			this.nextFullClaim = now + this.pollInterval.toMillis();
		}
		List<Claimed> rows = claim.rows();
		if (rows.isEmpty()) {
			Duration untilDue = this.table.untilNextDue(topic(), group(), claim);
			this.nextDueAt = (untilDue != null) ? System.currentTimeMillis() + untilDue.toMillis() : Long.MAX_VALUE;
		}
		else if (now >= this.nextDueAt) {
			// Looked up again after the next empty claim.
			this.nextDueAt = Long.MAX_VALUE;
		}
		for (Claimed row : rows) {
			this.held.put(row.held(), row);
		}
		if (this.dispatcher.maxBatch() > 1 && rows.size() > 1) {
			// heads of distinct keys: any split keeps per-key order; spread over the
			// handlers
			int size = Math.min(this.dispatcher.maxBatch(),
					Math.max(1, (rows.size() + this.spec.concurrency() - 1) / this.spec.concurrency()));
			for (int from = 0; from < rows.size(); from += size) {
				List<Claimed> batch = rows.subList(from, Math.min(rows.size(), from + size));
				this.handlers.execute(() -> handle(batch));
			}
		}
		else {
			for (Claimed row : rows) {
				this.handlers.execute(() -> handle(row));
			}
		}
		this.lastClaimFull = rows.size() == room;
		return this.lastClaimFull;
	}

	private void handle(Claimed row) {
		boolean[] deadLettered = { false };
		boolean settled = true;
		try {
			if (!this.running) {
				release(row, Duration.ZERO, false);
				return;
			}
			Instant now = Instant.now();
			if (row.envelope().isPendingAt(now)) {
				// Due by the database clock, not yet by ours (clocks of two hosts).
				release(row, Duration.between(now, row.envelope().deliverAt()), false);
				return;
			}
			this.dispatcher.dispatch(row.envelope(), row.attempts() > 1, (deadLetter) -> {
				this.table.deadLetter(row, deadLetter);
				deadLettered[0] = true;
			});
			if (!deadLettered[0]) {
				// Acknowledged by the fetcher; held (and renewed) until then.
				settled = false;
				this.handled.add(row);
			}
		}
		catch (InterruptedException ex) {
			release(row, Duration.ZERO, true);
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			logger.warn("Message " + row.envelope().id() + " on " + topic() + "/" + group()
					+ " is not acknowledged and will be delivered again: " + ex);
			// A little later, so a dead-letter store that keeps failing does not spin.
			release(row, this.pollInterval.multipliedBy(Math.min(row.attempts(), 10)).dividedBy(10), true);
		}
		finally {
			if (settled) {
				this.held.remove(row.held());
			}
			wakeUp();
		}
	}

	/**
	 * Handles rows of one claim (distinct keys) as one batch, each settled as
	 * {@link #handle(Claimed)} settles one: acknowledged by the fetcher, dead-lettered,
	 * or released when the batch stopped before it.
	 */
	private void handle(List<Claimed> rows) {
		List<Claimed> ready = new ArrayList<>();
		try {
			Instant now = Instant.now();
			for (Claimed row : rows) {
				if (!this.running || row.envelope().isPendingAt(now)) {
					Duration early = this.running ? Duration.between(now, row.envelope().deliverAt()) : Duration.ZERO;
					release(row, early, false);
					this.held.remove(row.held());
				}
				else {
					ready.add(row);
				}
			}
			if (ready.isEmpty()) {
				return;
			}
			Map<UUID, Claimed> byId = new HashMap<>();
			List<Dispatcher.Delivery> deliveries = new ArrayList<>();
			for (Claimed row : ready) {
				byId.put(row.envelope().id(), row);
				deliveries.add(new Dispatcher.Delivery(row.envelope(), row.attempts() > 1));
			}
			Set<Held> deadLettered = ConcurrentHashMap.newKeySet();
			int handled = ready.size();
			try {
				this.dispatcher.dispatchBatch(deliveries, (deadLetter) -> {
					Claimed row = byId.get(deadLetter.envelope().id());
					this.table.deadLetter(row, deadLetter);
					deadLettered.add(row.held());
				});
			}
			catch (BatchDispatchException ex) {
				handled = ex.handled();
				if (!ex.interrupted()) {
					logger.warn("Message " + ready.get(handled).envelope().id() + " on " + topic() + "/" + group()
							+ " is not acknowledged and will be delivered again: " + ex.getCause());
				}
				for (Claimed row : ready.subList(handled, ready.size())) {
					release(row, ex.interrupted() ? Duration.ZERO
							: this.pollInterval.multipliedBy(Math.min(row.attempts(), 10)).dividedBy(10), true);
					this.held.remove(row.held());
				}
				if (ex.interrupted()) {
					Thread.currentThread().interrupt();
				}
			}
			for (Claimed row : ready.subList(0, handled)) {
				if (deadLettered.contains(row.held())) {
					this.held.remove(row.held());
				}
				else {
					this.handled.add(row);
				}
			}
		}
		finally {
			wakeUp();
		}
	}

	private void release(Claimed row, Duration delay, boolean started) {
		try {
			this.table.release(group(), row, delay, started);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not release message " + row.envelope().id() + " on " + topic() + "/" + group()
					+ "; it becomes visible again when its lease runs out: " + ex.getMessage());
		}
	}

	/** On stop: rows claimed but not started go back at once instead of waiting. */
	private void releaseNotStarted() {
		List<Runnable> notStarted = new ArrayList<>();
		this.handlers.getQueue().drainTo(notStarted);
		notStarted.forEach(Runnable::run);
	}

	private void renewLeases() {
		if (this.held.isEmpty()) {
			return;
		}
		try {
			int renewed = this.table.extend(this.held.values());
			if (renewed < this.held.size() && logger.isDebugEnabled()) {
				logger.debug("Renewed " + renewed + " of " + this.held.size() + " leases on " + topic() + "/" + group()
						+ " (the others were handled meanwhile or ran out)");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not renew leases on " + topic() + "/" + group() + ": " + ex.getMessage());
		}
	}

	private static void sleepQuietly(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
