package io.mqlab.messaging.kafka;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

import org.apache.kafka.common.TopicPartition;

import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.scheduling.TaskScheduler;

/**
 * Pauses a container's partition until an instant and resumes it then from a scheduler
 * thread, the way Spring Kafka's retry topics back off: the listener thread neither
 * sleeps nor polls the record again before it is due, and the container's other
 * partitions go on. Whoever holds a partition must also seek it back to the record that
 * waits.
 */
final class KafkaPartitionHolds {

	private final TaskScheduler scheduler;

	private final Map<Held, Hold> holds = new ConcurrentHashMap<>();

	KafkaPartitionHolds(TaskScheduler scheduler) {
		this.scheduler = scheduler;
	}

	void hold(MessageListenerContainer container, TopicPartition partition, Instant until) {
		Held held = new Held(container, partition);
		Hold hold = new Hold();
		Hold previous = this.holds.put(held, hold);
		if (previous != null) {
			previous.cancel();
		}
		container.pausePartition(partition);
		// resumePartition also wakes the consumer out of its poll.
		hold.resume = this.scheduler.schedule(() -> {
			if (this.holds.remove(held, hold)) {
				container.resumePartition(partition);
			}
		}, until);
	}

	/** Forgets the holds of a stopped container. */
	void forget(MessageListenerContainer container) {
		this.holds.entrySet().removeIf((entry) -> {
			if (entry.getKey().container() == container) {
				entry.getValue().cancel();
				return true;
			}
			return false;
		});
	}

	private record Held(MessageListenerContainer container, TopicPartition partition) {

	}

	private static final class Hold {

		private volatile ScheduledFuture<?> resume;

		void cancel() {
			ScheduledFuture<?> resume = this.resume;
			if (resume != null) {
				resume.cancel(false);
			}
		}

	}

}
