package io.mqlab.messaging.redis;

/**
 * A partition this member holds the lease of. The lease thread renews it and asks for it
 * back; the one worker it is assigned to reads it and says when it let go of it.
 */
final class PartitionLease {

	final int partition;

	final String stream;

	final String leaseKey;

	/** Until when (System.nanoTime) the lease is surely still ours. */
	private volatile long validUntil;

	/** The member holds more than its share: finish the entry in hand, then let go. */
	volatile boolean releaseRequested;

	/** The lease expired or another member took it: stop at once. */
	volatile boolean lost;

	/** The worker stopped reading it: the lease thread may release it. */
	volatile boolean drained;

	volatile RedisPartitionWorker worker;

	// Only touched by the worker's thread.

	/** Takeover done: what a previous owner left is claimed. */
	boolean ready;

	/** Read own pending entries (XREADGROUP 0) before new ones. */
	boolean readPending = true;

	long nextTakeOver = System.nanoTime();

	boolean waitingLogged;

	PartitionLease(int partition, String stream, String leaseKey, long validUntil) {
		this.partition = partition;
		this.stream = stream;
		this.leaseKey = leaseKey;
		this.validUntil = validUntil;
	}

	void renewed(long validUntil) {
		this.validUntil = validUntil;
	}

	boolean isValid() {
		return System.nanoTime() - this.validUntil < 0;
	}

	@Override
	public String toString() {
		return this.stream;
	}

}
