package io.mqlab.cdc.change;

import java.time.Instant;

/**
 * One change of a catalog product, as the capture read it from the transaction log and
 * published it to {@code cdc.catalog.products}, keyed by SKU.
 *
 * @param sku the product's key
 * @param op {@code c} (insert), {@code u} (update), {@code d} (delete) or {@code r} (a
 * row read by the initial snapshot)
 * @param before the row before the change (updates and deletes)
 * @param after the row after the change (null for a delete)
 * @param lsn the WAL position of the change (of the snapshot, for {@code r})
 * @param txId the source transaction id
 * @param commitTime when the source transaction committed (the snapshot's time for
 * {@code r})
 */
public record ProductChanged(String sku, String op, Product before, Product after, long lsn, Long txId,
		Instant commitTime) {

	/** The version every sink compares before it writes. */
	public long sinkVersion() {
		// A row changes in commit order (row locks), so the LSN of each change of one row
		// grows. A snapshot row goes below every streamed change: a transaction in flight
		// when the snapshot was taken commits after it but may have written at a lower
		// LSN
		// than the snapshot's.
		return fromSnapshot() ? 1 : this.lsn;
	}

	public boolean deletes() {
		return "d".equals(this.op);
	}

	public boolean fromSnapshot() {
		return "r".equals(this.op);
	}

}
