package io.mqlab.messaging.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ListenerMetadata;
import org.springframework.kafka.listener.OffsetAndMetadataProvider;

/**
 * Tells which records may have been handled before, so they are flagged redelivered.
 * <p>
 * Offsets are committed after each poll's records were handled, so an owner handles at
 * most one poll ({@code max.poll.records}, the "window") past its committed offset. The
 * commit metadata says what a new owner must assume: every commit carries the window, and
 * an owner replaces it with {@value #CLEAN} when it hands a partition over having handled
 * nothing past the committed offset. A new owner that finds a window flags the records
 * inside it that existed when it took the partition (the previous owner may have crashed
 * after handling them), and marks each partition it takes before handling anything, so
 * its own crash is noticed too. A record read again after its dispatch failed is flagged
 * as well.
 */
final class KafkaRedeliveries implements ConsumerAwareRebalanceListener, OffsetAndMetadataProvider {

	private static final Log logger = LogFactory.getLog(KafkaRedeliveries.class);

	static final String CLEAN = "mqlab:clean";

	private static final String WINDOW = "mqlab:window=";

	private final int window;

	/** Per partition, the offsets [from, until) of records that may have been handled. */
	private final Map<TopicPartition, long[]> suspect = new ConcurrentHashMap<>();

	/** Per partition, the offset after the last record this consumer started. */
	private final Map<TopicPartition, Long> started = new ConcurrentHashMap<>();

	KafkaRedeliveries(int window) {
		this.window = window;
	}

	/**
	 * Called before a record is dispatched.
	 * @return whether it may have been handled before
	 */
	boolean starting(TopicPartition partition, long offset) {
		this.started.put(partition, offset + 1);
		long[] range = this.suspect.get(partition);
		if (range == null) {
			return false;
		}
		if (offset >= range[1]) {
			this.suspect.remove(partition, range);
			return false;
		}
		return offset >= range[0];
	}

	/**
	 * Called when a dispatch threw: the record is read again and may have been handled.
	 */
	void failed(TopicPartition partition, long offset) {
		failed(partition, offset, offset + 1);
	}

	/**
	 * Called when the records in [from, until) are read again and may have been handled.
	 */
	void failed(TopicPartition partition, long from, long until) {
		this.suspect.put(partition, new long[] { from, until });
	}

	/** The metadata of every offset the container commits. */
	@Override
	public OffsetAndMetadata provide(ListenerMetadata listenerMetadata, long offset) {
		return new OffsetAndMetadata(offset, WINDOW + this.window);
	}

	@Override
	public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		if (partitions.isEmpty()) {
			return;
		}
		try {
			retryOnWakeup(() -> take(consumer, partitions));
		}
		catch (KafkaException ex) {
			logger.warn("Could not mark partitions " + partitions + " as taken; after a crash before their first "
					+ "commit, records may be redelivered unflagged: " + ex);
		}
	}

	/**
	 * Runs a step of a rebalance callback again after a wakeup: one meant for the poll (a
	 * paused partition resumed) may hit the callback's first blocking call instead.
	 */
	private static void retryOnWakeup(Runnable step) {
		try {
			step.run();
		}
		catch (WakeupException ex) {
			step.run();
		}
	}

	private void take(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
		// Records appended from now on cannot have been read by a previous owner.
		Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
		Map<TopicPartition, OffsetAndMetadata> taken = new HashMap<>();
		for (TopicPartition partition : partitions) {
			OffsetAndMetadata offset = committed.get(partition);
			this.started.remove(partition);
			this.suspect.remove(partition);
			if (offset != null && !CLEAN.equals(offset.metadata())) {
				long until = Math.min(offset.offset() + windowOf(offset.metadata()), ends.get(partition));
				if (until > offset.offset()) {
					this.suspect.put(partition, new long[] { offset.offset(), until });
				}
			}
			long position = (offset != null) ? offset.offset() : consumer.position(partition);
			taken.put(partition, provide(null, position));
		}
		// Marked before anything is handled, so a crash of this consumer is noticed.
		consumer.commitSync(taken);
	}

	/**
	 * A window written by another process, or this one's for metadata not written by
	 * mqlab.
	 */
	private long windowOf(String metadata) {
		if (metadata != null && metadata.startsWith(WINDOW)) {
			try {
				return Long.parseLong(metadata.substring(WINDOW.length()));
			}
			catch (NumberFormatException ex) {
				// fall through
			}
		}
		return this.window;
	}

	@Override
	public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		if (partitions.isEmpty()) {
			return;
		}
		try {
			retryOnWakeup(() -> handOver(consumer, partitions));
		}
		catch (KafkaException ex) {
			logger.debug("Could not mark revoked partitions " + partitions + " as handed over cleanly: " + ex);
		}
	}

	private void handOver(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
		Map<TopicPartition, OffsetAndMetadata> clean = new HashMap<>();
		for (TopicPartition partition : partitions) {
			OffsetAndMetadata offset = committed.get(partition);
			Long next = this.started.remove(partition);
			this.suspect.remove(partition);
			if (offset != null && (next == null || next <= offset.offset())) {
				clean.put(partition, new OffsetAndMetadata(offset.offset(), CLEAN));
			}
		}
		if (!clean.isEmpty()) {
			consumer.commitSync(clean);
		}
	}

	@Override
	public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		// Another member owns them already: leave the committed metadata as it is.
		partitions.forEach((partition) -> {
			this.started.remove(partition);
			this.suspect.remove(partition);
		});
	}

}
