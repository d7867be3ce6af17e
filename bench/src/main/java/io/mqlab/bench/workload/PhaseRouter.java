package io.mqlab.bench.workload;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Hands each delivery to the tracker of the phase that published it, so one subscription
 * serves every phase (no re-subscribing, no rebalance between phases).
 */
public final class PhaseRouter {

	private final AtomicReferenceArray<DeliveryTracker> trackers;

	private final LongAdder strays = new LongAdder();

	private volatile int current = -1;

	public PhaseRouter(int phases) {
		this.trackers = new AtomicReferenceArray<>(phases);
	}

	/** Starts tracking a phase; deliveries of it are counted from now on. */
	public void begin(int phase, DeliveryTracker tracker) {
		this.trackers.set(phase, tracker);
		this.current = phase;
	}

	public void deliver(BenchMessage message, String member) {
		DeliveryTracker tracker = (message.phase() >= 0 && message.phase() < this.trackers.length())
				? this.trackers.get(message.phase()) : null;
		if (tracker == null) {
			// Left over from an earlier run on the same topic, or malformed.
			this.strays.increment();
			return;
		}
		tracker.delivered(message, member);
	}

	/** The tracker of the running phase, or {@code null} before the first. */
	public DeliveryTracker current() {
		return (this.current < 0) ? null : this.trackers.get(this.current);
	}

	/** Confirmed but unhandled messages over all phases begun so far. */
	public long backlog() {
		long backlog = 0;
		for (int i = 0; i < this.trackers.length(); i++) {
			DeliveryTracker tracker = this.trackers.get(i);
			if (tracker != null) {
				backlog += tracker.backlog();
			}
		}
		return backlog;
	}

	/** Deliveries that belonged to no phase. */
	public long strays() {
		return this.strays.sum();
	}

}
