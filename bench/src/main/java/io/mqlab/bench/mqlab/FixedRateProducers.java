package io.mqlab.bench.mqlab;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import io.mqlab.bench.workload.BenchMessage;
import io.mqlab.bench.workload.DeliveryTracker;
import io.mqlab.bench.workload.KeyShare;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.OutgoingMessage;

/**
 * Publishes a phase at a fixed rate with {@code publishAsync}, each producer on its own
 * evenly spaced schedule. A message's latency counts from when it was due, not from when
 * it went out, so a producer that falls behind shows up in the percentiles instead of
 * hiding (no coordinated omission). A key's next message waits for the confirm of its
 * previous one, so asynchronous publishing cannot reorder a key.
 */
final class FixedRateProducers {

	/**
	 * Longer than any adapter's publish timeout: a confirm that never comes ends the
	 * wait.
	 */
	private static final Duration CONFIRM_PATIENCE = Duration.ofSeconds(60);

	private final Messaging messaging;

	private final String topic;

	private final int size;

	private final List<KeyShare> shares;

	FixedRateProducers(Messaging messaging, String topic, int size, List<KeyShare> shares) {
		this.messaging = messaging;
		this.topic = topic;
		this.size = size;
		this.shares = shares;
	}

	void publish(int phase, int messages, int rate, DeliveryTracker tracker) {
		int producers = this.shares.size();
		long start = System.nanoTime();
		double gapNanos = 1e9 / rate;
		ProducerThreads.run(producers, (producer) -> {
			KeyShare share = this.shares.get(producer);
			CompletableFuture<?>[] previous = new CompletableFuture<?>[share.size()];
			for (long index = producer; index < messages; index += producers) {
				long due = start + (long) (index * gapNanos);
				waitUntil(due);
				int slot = share.nextSlot();
				if (previous[slot] != null) {
					awaitQuietly(previous[slot]);
				}
				tracker.sendLag(System.nanoTime() - due);
				BenchMessage message = BenchMessage.of(phase, index, share.key(slot), share.takeSeq(slot), due,
						this.size);
				previous[slot] = send(message, tracker);
			}
			for (CompletableFuture<?> future : previous) {
				if (future != null) {
					awaitQuietly(future);
				}
			}
		});
		tracker.publishingDone();
	}

	private CompletableFuture<?> send(BenchMessage message, DeliveryTracker tracker) {
		try {
			return this.messaging.publishAsync(OutgoingMessage.of(this.topic, message.keyName(), message))
				.whenComplete((receipt, failure) -> {
					if (failure == null) {
						tracker.confirmed(message.index());
					}
					else {
						tracker.publishFailed(1);
					}
				});
		}
		catch (RuntimeException ex) {
			tracker.publishFailed(1);
			return null;
		}
	}

	private static void waitUntil(long due) {
		for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
			LockSupport.parkNanos(left);
		}
	}

	/** Waits for a confirm; a failure was counted by the future's own callback. */
	private static void awaitQuietly(CompletableFuture<?> future) {
		try {
			future.get(CONFIRM_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while publishing", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			// counted (or, for a timeout, the message stays unconfirmed and is not
			// expected)
		}
	}

}
