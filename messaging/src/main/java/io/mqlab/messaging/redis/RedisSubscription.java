package io.mqlab.messaging.redis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import io.mqlab.messaging.DeadLetterSink;
import io.mqlab.messaging.Dispatcher;
import io.mqlab.messaging.Subscription;
import io.mqlab.messaging.SubscriptionSpec;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * One member of a group consuming a topic. Per-key order across threads and processes
 * needs exactly one reader per partition stream and group, which Redis consumer groups do
 * not give (they spread entries over consumers). So partitions are owned through leases
 * in Redis ({@code SET NX PX}, renewed by this lease thread, compare-and-renew and
 * compare-and-delete in Lua) and a member registry (a sorted set scored by heartbeat
 * time): each live member takes a fair share, ceil(partitions / live members), and gives
 * back what exceeds it when members join: the worker finishes the entry in hand, and the
 * entries it read but did not handle are handed over, so the next owner reads them first,
 * at once and in order. Owned partitions are spread over {@code concurrency} worker
 * threads; one partition is read by one thread.
 * <p>
 * Spring Data Redis' {@code StreamMessageListenerContainer} cannot do ownership nor read
 * a consumer's pending entries before new ones, hence this loop of our own over
 * {@code StreamOperations}.
 */
final class RedisSubscription implements Subscription {

	private static final Log logger = LogFactory.getLog(RedisSubscription.class);

	final StringRedisTemplate template;

	final String topic;

	final String group;

	/** Member id, also the Redis consumer name. */
	final String member;

	final Dispatcher dispatcher;

	final DeadLetterSink sink;

	final RedisMessageSubscriber.Settings settings;

	private final RedisTopology topology;

	private final Runnable provision;

	private final Consumer<RedisSubscription> onStopped;

	private final List<String> tickKeys = new ArrayList<>();

	private final String membersKey;

	private final int firstPartition;

	private final Map<Integer, PartitionLease> leases = new ConcurrentHashMap<>();

	private final List<RedisPartitionWorker> workers = new ArrayList<>();

	private final Thread leaseThread;

	private final long leaseMillis;

	private final long tickNanos;

	private volatile boolean stopping;

	private boolean stopped;

	private volatile boolean leaseThreadStopping;

	private boolean leaseFailing;

	RedisSubscription(StringRedisTemplate template, RedisTopology topology, SubscriptionSpec spec,
			Dispatcher dispatcher, DeadLetterSink sink, RedisMessageSubscriber.Settings settings, Runnable provision,
			Consumer<RedisSubscription> onStopped) {
		this.template = template;
		this.topology = topology;
		this.topic = spec.topic();
		this.group = spec.group();
		this.member = ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
		this.dispatcher = dispatcher;
		this.sink = sink;
		this.settings = settings;
		this.provision = provision;
		this.onStopped = onStopped;
		this.membersKey = topology.members(this.topic, this.group);
		this.tickKeys.add(this.membersKey);
		for (int p = 0; p < topology.partitions(); p++) {
			this.tickKeys.add(topology.lease(this.topic, this.group, p));
		}
		this.firstPartition = Math.floorMod(this.member.hashCode(), topology.partitions());
		this.leaseMillis = Math.max(settings.visibilityTimeout().toMillis(), 300);
		// Renew three times per lease period, and at least four times a second so a
		// joining member gets its share within about half a second (one tick for the
		// holder to give partitions back, one for the newcomer to take them).
		this.tickNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(this.leaseMillis / 3, 250));
		int threads = Math.min(spec.concurrency(), topology.partitions());
		for (int i = 0; i < threads; i++) {
			this.workers.add(new RedisPartitionWorker(this, "mqlab-redis-" + this.topic + "-" + this.group + "-" + i));
		}
		this.leaseThread = new Thread(this::runLeases, "mqlab-redis-" + this.topic + "-" + this.group + "-leases");
		this.leaseThread.setDaemon(true);
	}

	void start() {
		this.leaseThread.start();
		this.workers.forEach(RedisPartitionWorker::start);
		logger.info("Subscribed member " + this.member + " of group '" + this.group + "' to " + this.topic + " with "
				+ this.workers.size() + " worker(s)");
	}

	@Override
	public String topic() {
		return this.topic;
	}

	@Override
	public String group() {
		return this.group;
	}

	@Override
	public boolean isRunning() {
		return !this.stopping;
	}

	boolean isStopping() {
		return this.stopping;
	}

	long leaseMillis() {
		return this.leaseMillis;
	}

	/** Wakes the lease thread to release what workers let go of. */
	void wakeLeaseThread() {
		LockSupport.unpark(this.leaseThread);
	}

	/** Creates the groups again, e.g. after Redis restarted without persistence. */
	void provision() {
		this.provision.run();
	}

	/**
	 * Stops reading, lets the entries being handled finish and be acknowledged (waiting
	 * up to the visibility timeout, at least 5 s, before interrupting), then gives the
	 * partitions back and leaves the member registry.
	 */
	@Override
	public void stop() {
		synchronized (this) {
			if (this.stopped) {
				return;
			}
			this.stopped = true;
		}
		requestStop();
		long grace = Math.max(this.leaseMillis, 5000);
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(grace);
		for (RedisPartitionWorker worker : this.workers) {
			worker.join(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
		}
		for (RedisPartitionWorker worker : this.workers) {
			if (worker.isAlive()) {
				logger.warn("Interrupting " + worker + ": its handler did not finish within " + grace + " ms");
				worker.interrupt();
				worker.join(5000);
			}
		}
		this.leaseThreadStopping = true;
		LockSupport.unpark(this.leaseThread);
		try {
			this.leaseThread.join(10_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.onStopped.accept(this);
		logger.info("Stopped member " + this.member + " of group '" + this.group + "' on " + this.topic);
	}

	/** Tells the workers to stop after the entry in hand, without waiting for them. */
	void requestStop() {
		this.stopping = true;
		this.workers.forEach(RedisPartitionWorker::wake);
	}

	private void runLeases() {
		try {
			while (!this.leaseThreadStopping) {
				try {
					releaseDrained();
					tick();
					if (this.leaseFailing) {
						logger.info("Partition leases of " + this + " are renewed again");
						this.leaseFailing = false;
					}
				}
				catch (RuntimeException ex) {
					if (!this.leaseFailing) {
						logger.warn("Cannot renew the partition leases of " + this + ", retrying: " + ex);
					}
					this.leaseFailing = true;
				}
				LockSupport.parkNanos(this, this.tickNanos);
			}
		}
		finally {
			releaseAll();
		}
	}

	/**
	 * Heartbeat, renewal and fair share: takes new partitions, notices lost ones, and
	 * asks workers to give back what exceeds the share.
	 */
	private void tick() {
		long started = System.nanoTime();
		List<?> reply = this.template.execute(RedisScripts.TICK, this.tickKeys, this.member,
				Long.toString(this.leaseMillis), this.stopping ? "0" : "1", Integer.toString(this.firstPartition));
		if (reply == null || reply.size() < 2) {
			throw new IllegalStateException("Unexpected reply to the lease script: " + reply);
		}
		long live = ((Number) reply.get(0)).longValue();
		int share = ((Number) reply.get(1)).intValue();
		Set<Integer> held = new HashSet<>();
		for (int i = 2; i < reply.size(); i++) {
			held.add(((Number) reply.get(i)).intValue());
		}
		// A margin under the lease time, for the round trip and clock drift.
		long validUntil = started + TimeUnit.MILLISECONDS.toNanos(this.leaseMillis * 9 / 10);
		for (int partition : held) {
			PartitionLease lease = this.leases.get(partition);
			if (lease == null) {
				lease = new PartitionLease(partition, this.topology.stream(this.topic, partition),
						this.topology.lease(this.topic, this.group, partition), validUntil);
				this.leases.put(partition, lease);
				assign(lease);
			}
			else {
				lease.renewed(validUntil);
			}
		}
		int releasing = 0;
		for (PartitionLease lease : this.leases.values()) {
			if (!held.contains(lease.partition) && !lease.lost) {
				logger.warn("Lost the lease of " + lease + " for group '" + this.group
						+ "' (expired or taken over); stopping to read it");
				lease.lost = true;
				wake(lease);
			}
			if (held.contains(lease.partition) && (lease.releaseRequested || lease.lost)) {
				releasing++;
			}
		}
		int excess = held.size() - releasing - share;
		if (excess > 0) {
			logger.info(this + " gives back " + excess + " partition(s): its share is " + share + " with " + live
					+ " live member(s)");
			this.leases.values()
				.stream()
				.filter((lease) -> held.contains(lease.partition) && !lease.releaseRequested && !lease.lost)
				.sorted(Comparator.comparingInt((PartitionLease lease) -> lease.partition).reversed())
				.limit(excess)
				.forEach((lease) -> {
					lease.releaseRequested = true;
					wake(lease);
				});
		}
	}

	private void assign(PartitionLease lease) {
		RedisPartitionWorker worker = this.workers.stream()
			.min(Comparator.comparingInt(RedisPartitionWorker::leaseCount))
			.orElseThrow();
		lease.worker = worker;
		worker.assign(lease);
		logger.debug(this + " took " + lease);
	}

	private void wake(PartitionLease lease) {
		RedisPartitionWorker worker = lease.worker;
		if (worker != null) {
			worker.wake();
		}
	}

	private void releaseDrained() {
		for (PartitionLease lease : this.leases.values()) {
			if (lease.drained) {
				release(lease);
				this.leases.remove(lease.partition);
			}
		}
	}

	private void release(PartitionLease lease) {
		Long handed = this.template.execute(RedisScripts.RELEASE, List.of(lease.stream, lease.leaseKey), this.group,
				this.member, Long.toString(2 * this.leaseMillis));
		logger.debug(this + " released " + lease
				+ ((handed != null && handed > 0) ? " handing over " + handed + " unacknowledged entries" : ""));
	}

	private void releaseAll() {
		for (PartitionLease lease : this.leases.values()) {
			try {
				release(lease);
			}
			catch (RuntimeException ex) {
				logger.warn("Could not release " + lease + " (its lease expires after the visibility timeout): " + ex);
			}
		}
		this.leases.clear();
		try {
			this.template.opsForZSet().remove(this.membersKey, this.member);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not leave the member registry (the entry expires): " + ex);
		}
	}

	@Override
	public String toString() {
		return "member " + this.member + " of group '" + this.group + "' on " + this.topic;
	}

}
