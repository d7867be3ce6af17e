package io.mqlab.cdc.sink;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mqlab.cdc.change.ProductChanged;

/**
 * A sink's progress in this instance: the highest LSN applied, the commit-to-applied lag
 * of the last change, and counters of applied and stale (older than what the sink held)
 * changes, also as metrics {@code cdc.sink.changes} and {@code cdc.sink.lag}, and the
 * changes per write ({@code cdc.sink.batch.size}).
 */
public final class SinkProgress {

	private final AtomicLong lastLsn = new AtomicLong();

	private final AtomicLong lastLagMs = new AtomicLong(-1);

	private final AtomicReference<Instant> lastAppliedAt = new AtomicReference<>();

	private final Counter applied;

	private final Counter stale;

	private final Timer lag;

	private final DistributionSummary batches;

	public SinkProgress(String sink, MeterRegistry meters) {
		this.applied = Counter.builder("cdc.sink.changes").tag("sink", sink).tag("result", "applied").register(meters);
		this.stale = Counter.builder("cdc.sink.changes").tag("sink", sink).tag("result", "stale").register(meters);
		this.lag = Timer.builder("cdc.sink.lag")
			.description("Source commit to applied in the sink")
			.tag("sink", sink)
			.publishPercentiles(0.5, 0.99)
			.register(meters);
		this.batches = DistributionSummary.builder("cdc.sink.batch.size")
			.description("Changes the sink applied with one write")
			.tag("sink", sink)
			.register(meters);
	}

	/** Records one write of this many changes. */
	public void batch(int changes) {
		this.batches.record(changes);
	}

	/** Records a handled change: applied, or left out as older than the sink's row. */
	public void handled(ProductChanged change, boolean wasApplied) {
		(wasApplied ? this.applied : this.stale).increment();
		this.lastLsn.accumulateAndGet(change.lsn(), Math::max);
		Instant now = Instant.now();
		this.lastAppliedAt.set(now);
		if (!change.fromSnapshot()) {
			long ms = Math.max(0, Duration.between(change.commitTime(), now).toMillis());
			this.lastLagMs.set(ms);
			this.lag.record(Duration.ofMillis(ms));
		}
	}

	public long lastLsn() {
		return this.lastLsn.get();
	}

	/** Lag of the last streamed change, -1 before the first. */
	public long lastLagMs() {
		return this.lastLagMs.get();
	}

	public Instant lastAppliedAt() {
		return this.lastAppliedAt.get();
	}

	public long applied() {
		return (long) this.applied.count();
	}

	public long stale() {
		return (long) this.stale.count();
	}

}
