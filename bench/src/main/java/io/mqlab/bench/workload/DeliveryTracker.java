package io.mqlab.bench.workload;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What happened to the messages of one phase: which ones the broker confirmed, which ones
 * arrived and how often, whether a key's messages arrived in order, and how long they
 * took. Safe for any number of producer and consumer threads.
 */
public final class DeliveryTracker {

	/** Latencies above ten minutes are recorded as ten minutes. */
	private static final long MAX_MICROS = 600_000_000L;

	private final String phase;

	private final int capacity;

	private final AtomicIntegerArray confirmed;

	private final AtomicIntegerArray deliveries;

	/** The highest sequence number delivered so far, per key. */
	private final AtomicLongArray highestSeq;

	private final AtomicLong confirmedCount = new AtomicLong();

	private final AtomicLong distinctCount = new AtomicLong();

	private final LongAdder duplicates = new LongAdder();

	private final LongAdder orderViolations = new LongAdder();

	private final LongAdder errors = new LongAdder();

	private final Histogram latencyMicros = new ConcurrentHistogram(1, MAX_MICROS, 3);

	private final Histogram sendLagMicros = new ConcurrentHistogram(1, MAX_MICROS, 3);

	private final Set<String> members = ConcurrentHashMap.newKeySet();

	private final AtomicLong lastConfirmNanos = new AtomicLong();

	private final AtomicLong firstDeliveryNanos = new AtomicLong();

	private final AtomicLong lastDeliveryNanos = new AtomicLong();

	private volatile boolean drain;

	private volatile long startNanos;

	private volatile long publishedEndNanos;

	public DeliveryTracker(String phase, int capacity, int keys) {
		this.phase = phase;
		this.capacity = capacity;
		this.confirmed = new AtomicIntegerArray(capacity);
		this.deliveries = new AtomicIntegerArray(capacity);
		this.highestSeq = new AtomicLongArray(keys);
		for (int key = 0; key < keys; key++) {
			this.highestSeq.set(key, -1);
		}
		this.startNanos = System.nanoTime();
	}

	public String phase() {
		return this.phase;
	}

	public int capacity() {
		return this.capacity;
	}

	/** Marks the start of the measured interval. */
	public void start() {
		this.startNanos = System.nanoTime();
	}

	/**
	 * Consume throughput counts from the first delivery, not from the start: a backlog
	 * drain, measured as the brokers' own tools measure it (the group join is not part of
	 * it).
	 */
	public void drain() {
		this.drain = true;
	}

	/** Marks the moment the producers finished (confirmed or failed everything). */
	public void publishingDone() {
		this.publishedEndNanos = System.nanoTime();
	}

	/** The broker holds this message durably. */
	public void confirmed(long index) {
		if (this.confirmed.compareAndSet((int) index, 0, 1)) {
			this.confirmedCount.incrementAndGet();
			this.lastConfirmNanos.accumulateAndGet(System.nanoTime(), Math::max);
		}
	}

	/**
	 * A fixed-rate producer sent a message this late after it was due (it waited for the
	 * CPU, or for the confirm of the key's previous message). Part of the latency, shown
	 * apart so a slow producer is not mistaken for a slow broker.
	 */
	public void sendLag(long nanos) {
		this.sendLagMicros.recordValue(Math.min(MAX_MICROS, Math.max(0, nanos / 1000)));
	}

	/** A publish (of one message or a batch) failed. */
	public void publishFailed(int messages) {
		this.errors.add(messages);
	}

	/**
	 * Something went wrong that is not a failed publish (a handler error, a stray
	 * message).
	 */
	public void error() {
		this.errors.increment();
	}

	/** A consumer handled a message of this phase. */
	public void delivered(BenchMessage message, String member) {
		long now = System.nanoTime();
		if (message.index() < 0 || message.index() >= this.capacity || message.key() < 0
				|| message.key() >= this.highestSeq.length()) {
			this.errors.increment();
			return;
		}
		if (this.deliveries.incrementAndGet((int) message.index()) > 1) {
			this.duplicates.increment();
			return;
		}
		this.members.add(member);
		this.latencyMicros.recordValue(Math.min(MAX_MICROS, Math.max(0, (now - message.sentNanos()) / 1000)));
		long highest = this.highestSeq.getAndAccumulate(message.key(), message.seq(), Math::max);
		if (highest > message.seq()) {
			// A later message of this key arrived first.
			this.orderViolations.increment();
		}
		if (this.firstDeliveryNanos.get() == 0) {
			this.firstDeliveryNanos.compareAndSet(0, now);
		}
		this.lastDeliveryNanos.accumulateAndGet(now, Math::max);
		this.distinctCount.incrementAndGet();
	}

	public long confirmedCount() {
		return this.confirmedCount.get();
	}

	public long distinctCount() {
		return this.distinctCount.get();
	}

	/** Confirmed messages not delivered yet. */
	public long backlog() {
		return Math.max(0, this.confirmedCount.get() - this.distinctCount.get());
	}

	/** How many members of the group handled at least one message. */
	public int activeMembers() {
		return this.members.size();
	}

	/** Whether every confirmed message arrived. */
	public boolean complete() {
		return this.distinctCount.get() >= this.confirmedCount.get();
	}

	public long lastDeliveryNanos() {
		return this.lastDeliveryNanos.get();
	}

	/** Confirmed messages that never arrived. */
	public long lost() {
		long lost = 0;
		for (int i = 0; i < this.capacity; i++) {
			if (this.confirmed.get(i) == 1 && this.deliveries.get(i) == 0) {
				lost++;
			}
		}
		return lost;
	}

	/** The figures of this phase, given its target rate (0 for max-throughput). */
	public PhaseResult result(int plannedMessages, int targetRate) {
		long confirmedCount = this.confirmedCount.get();
		long delivered = this.distinctCount.get();
		long publishEnd = (this.lastConfirmNanos.get() != 0) ? this.lastConfirmNanos.get() : this.publishedEndNanos;
		double publishSeconds = seconds(this.startNanos, publishEnd);
		long consumeStart = this.drain ? this.firstDeliveryNanos.get() : this.startNanos;
		double consumeSeconds = seconds(consumeStart, this.lastDeliveryNanos.get());
		Histogram latency = this.latencyMicros.copy();
		Latency sendLag = (this.sendLagMicros.getTotalCount() > 0) ? Latency.of(this.sendLagMicros.copy()) : null;
		return new PhaseResult(this.phase, plannedMessages, (targetRate > 0) ? targetRate : null, confirmedCount,
				delivered, rate(confirmedCount, publishSeconds), rate(delivered, consumeSeconds),
				round(Math.max(publishSeconds, consumeSeconds)), Latency.of(latency), sendLag, lost(),
				this.duplicates.sum(), this.orderViolations.sum(), this.errors.sum(), Latency.curve(latency));
	}

	private static double seconds(long from, long to) {
		return (to <= from) ? 0 : (to - from) / 1e9;
	}

	private static double rate(long count, double seconds) {
		return (seconds <= 0) ? 0 : round(count / seconds);
	}

	private static double round(double value) {
		return Math.round(value * 10) / 10.0;
	}

}
