package io.mqlab.messaging.idempotency;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Deletes the idempotent consumer's records older than the retention, at start and then
 * every interval, on a thread of its own. Every instance purges; the deletes are
 * idempotent. The retention must cover every window in which a handled message can come
 * again, or such a redelivery would repeat its effect: start-up fails when a configured
 * window is longer.
 */
public final class IdempotencyPurge implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(IdempotencyPurge.class);

	private final IdempotentConsumer consumer;

	private final Duration retention;

	private final Duration interval;

	private volatile Thread thread;

	private volatile boolean running;

	private boolean failing;

	/**
	 * @param consumer whose records are purged
	 * @param retention how long records are kept
	 * @param interval time between two purges
	 * @param redeliveryWindows how far back a handled message may come again, by the
	 * property that sets it; each must be at most the retention
	 */
	public IdempotencyPurge(IdempotentConsumer consumer, Duration retention, Duration interval,
			Map<String, Duration> redeliveryWindows) {
		if (retention == null || retention.isNegative() || retention.isZero()) {
			throw new IllegalArgumentException(
					"mqlab.messaging.idempotency.retention must be positive, was " + retention);
		}
		if (interval == null || interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException(
					"mqlab.messaging.idempotency.purge-interval must be positive, was " + interval);
		}
		redeliveryWindows.forEach((property, window) -> {
			if (window != null && window.compareTo(retention) > 0) {
				throw new IllegalStateException(
						"mqlab.messaging.idempotency.retention (" + retention + ") is shorter than " + property + " ("
								+ window + "): a message redelivered from that far back would have its effect again. "
								+ "Raise the retention or lower " + property);
			}
		});
		this.consumer = consumer;
		this.retention = retention;
		this.interval = interval;
	}

	/** Purges once. */
	public int purge() {
		int purged = this.consumer.purgeOlderThan(this.retention);
		if (purged > 0) {
			logger.info("Purged " + purged + " idempotency records older than " + this.retention);
		}
		return purged;
	}

	private void run() {
		while (this.running) {
			try {
				purge();
				if (this.failing) {
					logger.info("Purging idempotency records again");
					this.failing = false;
				}
			}
			catch (RuntimeException ex) {
				// Nothing is lost: the records stay until a later purge.
				if (!this.failing) {
					logger.warn("Cannot purge idempotency records, retrying every " + this.interval + ": " + ex);
					this.failing = true;
				}
			}
			LockSupport.parkNanos(this, this.interval.toNanos());
		}
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		Thread purger = new Thread(this::run, "mqlab-idempotency-purge");
		purger.setDaemon(true);
		this.thread = purger;
		purger.start();
	}

	@Override
	public void stop() {
		this.running = false;
		Thread purger = this.thread;
		if (purger == null) {
			return;
		}
		LockSupport.unpark(purger);
		try {
			purger.join(TimeUnit.SECONDS.toMillis(10));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.thread = null;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
