package io.mqlab.cdc.capture;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What this instance's capture is doing, for the status. */
public final class CaptureState {

	/** The capture's phases. */
	public enum Phase {

		/** Another instance holds the capture lock; this one waits to take over. */
		WAITING,
		/** This instance holds the lock and streams. */
		CAPTURING,
		/** The engine failed and restarts after a delay. */
		RESTARTING,
		/** Stopped. */
		STOPPED

	}

	private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.STOPPED);

	private final AtomicLong published = new AtomicLong();

	private final AtomicLong lastLsn = new AtomicLong();

	private final AtomicReference<Instant> lastCommitTime = new AtomicReference<>();

	private final AtomicReference<String> lastError = new AtomicReference<>();

	public Phase phase() {
		return this.phase.get();
	}

	void phase(Phase phase) {
		this.phase.set(phase);
	}

	public long published() {
		return this.published.get();
	}

	public long lastLsn() {
		return this.lastLsn.get();
	}

	public Instant lastCommitTime() {
		return this.lastCommitTime.get();
	}

	public String lastError() {
		return this.lastError.get();
	}

	void published(int count, long lsn, Instant commitTime) {
		this.published.addAndGet(count);
		this.lastLsn.accumulateAndGet(lsn, Math::max);
		this.lastCommitTime.set(commitTime);
	}

	void failed(String error) {
		this.lastError.set(error);
	}

}
