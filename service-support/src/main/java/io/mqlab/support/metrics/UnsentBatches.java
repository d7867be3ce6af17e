package io.mqlab.support.metrics;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

import io.micrometer.core.instrument.Counter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The batches not yet accepted by the broker, oldest first, at most a fixed number: when
 * full, the oldest is dropped (recent samples matter more to alerting) and counted.
 */
final class UnsentBatches {

	private static final Log logger = LogFactory.getLog(UnsentBatches.class);

	/** A drop per interval through a long outage: one line a minute says enough. */
	private static final Duration LOG_EVERY = Duration.ofMinutes(1);

	private final Deque<MetricsSampled> batches = new ArrayDeque<>();

	private final int capacity;

	private final Counter dropped;

	private long loggedAt = System.nanoTime() - LOG_EVERY.toNanos();

	UnsentBatches(int capacity, Counter dropped) {
		if (capacity < 1) {
			throw new IllegalArgumentException("mqlab.metrics.agent.buffer-size must be at least 1, not " + capacity);
		}
		this.capacity = capacity;
		this.dropped = dropped;
	}

	synchronized void add(MetricsSampled batch) {
		if (this.batches.size() == this.capacity) {
			drop(this.batches.removeFirst(), "the broker has not accepted the " + this.capacity + " kept since");
		}
		this.batches.addLast(batch);
	}

	/** The oldest batch, or {@code null}. */
	synchronized MetricsSampled oldest() {
		return this.batches.peekFirst();
	}

	/** Forgets a batch the broker accepted, unless it was dropped meanwhile. */
	synchronized void sent(MetricsSampled batch) {
		if (this.batches.peekFirst() == batch) {
			this.batches.removeFirst();
		}
	}

	/** Drops a batch the broker will never accept (e.g. too large). */
	synchronized void reject(MetricsSampled batch, String why) {
		if (this.batches.peekFirst() == batch) {
			this.batches.removeFirst();
			drop(batch, why);
		}
	}

	synchronized int size() {
		return this.batches.size();
	}

	double dropped() {
		return this.dropped.count();
	}

	private void drop(MetricsSampled batch, String why) {
		this.dropped.increment();
		long now = System.nanoTime();
		if (now - this.loggedAt < LOG_EVERY.toNanos()) {
			return;
		}
		this.loggedAt = now;
		logger.warn("Dropped the metrics batch of " + batch.at() + ": " + why + " (" + (long) this.dropped.count()
				+ " dropped so far, logged once a minute)");
	}

}
