package io.mqlab.bench.mqlab;

import java.util.ArrayList;
import java.util.List;

import io.mqlab.bench.workload.BenchMessage;
import io.mqlab.bench.workload.DeliveryTracker;
import io.mqlab.bench.workload.KeyShare;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.OutgoingMessage;

/**
 * Publishes a phase's messages as fast as the library takes them: each producer sends
 * batches of {@code pipeline} messages with {@code publishAll} (the backend pipelines a
 * batch and waits for all its confirms), or one synchronous {@code publish} at a time
 * when the pipeline is 1. Waiting for a batch before the next keeps each key's order.
 */
final class MaxThroughputProducers {

	private final Messaging messaging;

	private final String topic;

	private final int size;

	private final int pipeline;

	private final List<KeyShare> shares;

	MaxThroughputProducers(Messaging messaging, String topic, int size, int pipeline, List<KeyShare> shares) {
		this.messaging = messaging;
		this.topic = topic;
		this.size = size;
		this.pipeline = pipeline;
		this.shares = shares;
	}

	/**
	 * Publishes the messages {@code from} (inclusive) to {@code to} (exclusive) of a
	 * phase over all producers, producer {@code p} taking every {@code p}-th of them.
	 */
	void publish(int phase, long from, long to, DeliveryTracker tracker) {
		int producers = this.shares.size();
		ProducerThreads.run(producers, (producer) -> {
			KeyShare share = this.shares.get(producer);
			List<OutgoingMessage> batch = new ArrayList<>(this.pipeline);
			List<Long> indexes = new ArrayList<>(this.pipeline);
			for (long index = from + producer; index < to; index += producers) {
				int slot = share.nextSlot();
				BenchMessage message = BenchMessage.of(phase, index, share.key(slot), share.takeSeq(slot),
						System.nanoTime(), this.size);
				batch.add(OutgoingMessage.of(this.topic, message.keyName(), message));
				indexes.add(index);
				if (batch.size() == this.pipeline) {
					send(batch, indexes, tracker);
				}
			}
			send(batch, indexes, tracker);
		});
		tracker.publishingDone();
	}

	private void send(List<OutgoingMessage> batch, List<Long> indexes, DeliveryTracker tracker) {
		if (batch.isEmpty()) {
			return;
		}
		try {
			if (batch.size() == 1) {
				this.messaging.publish(batch.get(0));
			}
			else {
				this.messaging.publishAll(batch);
			}
			indexes.forEach(tracker::confirmed);
		}
		catch (RuntimeException ex) {
			// Counted, not fatal: the report shows how many publishes failed.
			tracker.publishFailed(batch.size());
		}
		batch.clear();
		indexes.clear();
	}

}
