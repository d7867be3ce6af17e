package io.mqlab.bench.workload;

/**
 * The keys one producer owns (every {@code producers}-th key, starting at its own number)
 * and the next sequence number of each. Each key has a single publisher, so the order of
 * its messages is well defined and a consumer can check it.
 */
public final class KeyShare {

	private final int[] keys;

	private final long[] nextSeq;

	private int cursor;

	public KeyShare(int producer, int producers, int keys) {
		int owned = (keys - producer + producers - 1) / producers;
		this.keys = new int[owned];
		for (int i = 0; i < owned; i++) {
			this.keys[i] = producer + i * producers;
		}
		this.nextSeq = new long[owned];
	}

	/** How many keys this producer owns. */
	public int size() {
		return this.keys.length;
	}

	/** The slot of the next key, round robin. */
	public int nextSlot() {
		int slot = this.cursor;
		this.cursor = (this.cursor + 1) % this.keys.length;
		return slot;
	}

	public int key(int slot) {
		return this.keys[slot];
	}

	/** Takes the next sequence number of the key in this slot. */
	public long takeSeq(int slot) {
		return this.nextSeq[slot]++;
	}

}
