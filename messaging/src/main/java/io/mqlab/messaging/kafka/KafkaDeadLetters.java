package io.mqlab.messaging.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.mqlab.messaging.DeadLetter;
import io.mqlab.messaging.DeadLetters;
import io.mqlab.messaging.MessageHeaders;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Dead letters live in the topic {@code <topic>.<group>.dlt}, kept until replayed
 * ({@code retention.ms=-1}, or {@code mqlab.messaging.kafka.dead-letter-retention}).
 * Kafka cannot delete one record, but it deletes a partition's records before an offset
 * (DeleteRecords), and a replay always takes the oldest: so a replay republishes a chunk,
 * then deletes it, and the log start offset of the dead-letter topic is the durable
 * replay mark. The broker keeps it with the log (replicated, checkpointed), unlike a
 * committed offset, which expires once its group has been idle for
 * {@code offsets.retention.minutes}. The offset of the bookkeeping group
 * {@code mqlab-dlt-<group>} is still committed, and read as a mark where it is ahead (the
 * only mark of earlier versions, and the fallback if a deletion fails).
 * <p>
 * Both list and replay read with a short-lived consumer (assign and seek, no group
 * membership) from the mark to the end offsets taken at the start; a replay holds one
 * chunk at a time.
 */
final class KafkaDeadLetters implements DeadLetters {

	private static final Log logger = LogFactory.getLog(KafkaDeadLetters.class);

	private final KafkaClients clients;

	private final int chunk;

	/**
	 * @param clients the shared clients
	 * @param chunk dead letters a replay reads, republishes and marks at a time
	 */
	KafkaDeadLetters(KafkaClients clients, int chunk) {
		if (chunk < 1) {
			throw new IllegalArgumentException(
					"mqlab.messaging.kafka.dead-letter-replay-chunk must be at least 1, was " + chunk);
		}
		this.clients = clients;
		this.chunk = chunk;
	}

	@Override
	public List<DeadLetter> list(String topic, String group, int limit) {
		String deadLetterTopic = KafkaClients.deadLetterTopic(topic, group);
		if (limit <= 0) {
			return List.of();
		}
		try (Consumer<String, String> consumer = this.clients.consumer(KafkaClients.replayedGroup(group))) {
			Cursor cursor = open(consumer, deadLetterTopic);
			if (cursor == null) {
				return List.of();
			}
			return read(cursor, limit, Integer.MAX_VALUE).stream().limit(limit).map(KafkaRecords::deadLetter).toList();
		}
	}

	/**
	 * Republishes the originals, with {@link MessageHeaders#REPLAY_GROUP} so only this
	 * group handles them, a chunk at a time: once the broker has a chunk, it is marked
	 * replayed. A failure leaves the rest as dead letters (and the chunk in hand too: it
	 * may then be replayed twice). Two replays of one group at the same time may both
	 * republish a dead letter (idempotent consumers drop the copy).
	 */
	@Override
	public int replay(String topic, String group) {
		return replayInChunks(topic, group, this.chunk).count();
	}

	Replayed replayInChunks(String topic, String group, int chunk) {
		String deadLetterTopic = KafkaClients.deadLetterTopic(topic, group);
		int count = 0;
		int chunks = 0;
		try (Consumer<String, String> consumer = this.clients.consumer(KafkaClients.replayedGroup(group))) {
			Cursor cursor = open(consumer, deadLetterTopic);
			if (cursor == null) {
				return new Replayed(0, 0);
			}
			while (true) {
				List<ConsumerRecord<String, String>> records = read(cursor, chunk, chunk);
				if (records.isEmpty()) {
					break;
				}
				if (chunks == 0) {
					this.clients.ensureTopic(topic);
				}
				List<CompletableFuture<?>> sent = new ArrayList<>(records.size());
				for (ConsumerRecord<String, String> record : records) {
					sent.add(this.clients.template()
						.send(KafkaRecords.record(topic,
								KafkaRecords.envelope(record).withHeader(MessageHeaders.REPLAY_GROUP, group))));
				}
				CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
					.get(this.clients.timeout().toMillis(), TimeUnit.MILLISECONDS);
				count += records.size();
				chunks++;
				mark(cursor);
			}
			// A mark of an earlier version (a committed offset only) becomes a durable
			// one.
			mark(cursor);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Could not replay the dead letters of group " + group + " on " + topic
					+ " after " + count + " were replayed; the rest stay dead letters: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while replaying dead letters of group " + group, ex);
		}
		if (count > 0) {
			logger.info("Replayed " + count + " dead letter(s) of group " + group + " to " + topic + " in " + chunks
					+ " chunk(s)");
		}
		return new Replayed(count, chunks);
	}

	/**
	 * Marks everything before the cursor replayed: commits it, then deletes it. A failed
	 * deletion (e.g. a topic compacted by hand) is logged: the committed offset still
	 * holds the mark, until it expires.
	 */
	private void mark(Cursor cursor) throws ExecutionException {
		Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
		Map<TopicPartition, RecordsToDelete> deletions = new HashMap<>();
		cursor.next.forEach((partition, next) -> {
			if (next > cursor.start.get(partition)) {
				commits.put(partition, new OffsetAndMetadata(next));
				deletions.put(partition, RecordsToDelete.beforeOffset(next));
			}
		});
		if (deletions.isEmpty()) {
			return;
		}
		cursor.consumer.commitSync(commits, this.clients.timeout());
		try {
			this.clients.await(this.clients.admin().deleteRecords(deletions).all());
		}
		catch (ExecutionException | RuntimeException ex) {
			logger
				.warn("Could not delete the replayed dead letters " + deletions.keySet() + "; the committed offset of "
						+ cursor.consumer.groupMetadata().groupId() + " marks them replayed until it expires: " + ex);
		}
		cursor.start.putAll(cursor.next);
	}

	/**
	 * Where the dead letters not yet replayed start: the log start offset, or a committed
	 * offset ahead of it; {@code null} without a dead-letter topic.
	 */
	private Cursor open(Consumer<String, String> consumer, String deadLetterTopic) {
		List<TopicPartition> partitions = this.clients.partitionsOf(deadLetterTopic);
		if (partitions.isEmpty()) {
			return null;
		}
		Duration timeout = this.clients.timeout();
		consumer.assign(partitions);
		Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions), timeout);
		Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions, timeout);
		Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
		Map<TopicPartition, Long> next = new HashMap<>();
		for (TopicPartition partition : partitions) {
			OffsetAndMetadata offset = committed.get(partition);
			long start = beginnings.get(partition);
			next.put(partition, (offset != null) ? Math.max(start, offset.offset()) : start);
		}
		return new Cursor(deadLetterTopic, consumer, new HashMap<>(beginnings), next, ends);
	}

	/**
	 * The next dead letters after the cursor, oldest first: at most {@code perPartition}
	 * of each partition (enough for the oldest that many: a partition's records are in
	 * the order they failed) and {@code total} in all. Moves the cursor past them.
	 */
	private List<ConsumerRecord<String, String>> read(Cursor cursor, int perPartition, int total) {
		Consumer<String, String> consumer = cursor.consumer;
		Map<TopicPartition, Long> remaining = new HashMap<>();
		cursor.next.forEach((partition, next) -> {
			if (next < cursor.ends.get(partition)) {
				remaining.put(partition, cursor.ends.get(partition));
			}
		});
		List<ConsumerRecord<String, String>> records = new ArrayList<>();
		if (remaining.isEmpty()) {
			return records;
		}
		consumer.assign(remaining.keySet());
		remaining.keySet().forEach((partition) -> consumer.seek(partition, cursor.next.get(partition)));
		Map<TopicPartition, Integer> counts = new HashMap<>();
		Duration timeout = this.clients.timeout();
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!remaining.isEmpty()) {
			ConsumerRecords<String, String> polled = consumer.poll(Duration.ofMillis(200));
			for (ConsumerRecord<String, String> record : polled) {
				TopicPartition partition = new TopicPartition(record.topic(), record.partition());
				Long end = remaining.get(partition);
				if (end != null && record.offset() < end && record.offset() >= cursor.next.get(partition)
						&& counts.getOrDefault(partition, 0) < perPartition && records.size() < total) {
					records.add(record);
					counts.merge(partition, 1, Integer::sum);
					cursor.next.put(partition, record.offset() + 1);
				}
			}
			remaining.keySet().removeIf((partition) -> {
				if (counts.getOrDefault(partition, 0) >= perPartition || records.size() >= total) {
					return true;
				}
				if (consumer.position(partition) >= remaining.get(partition)) {
					// Read to the end: what lies before it (e.g. gaps) is done too.
					cursor.next.put(partition, remaining.get(partition));
					return true;
				}
				return false;
			});
			if (!polled.isEmpty()) {
				deadline = System.nanoTime() + timeout.toNanos();
			}
			else if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Could not read the dead letters of " + cursor.topic + " within "
						+ timeout + " from Kafka at " + this.clients.bootstrapServers());
			}
		}
		records.sort(Comparator.comparingLong(ConsumerRecord<String, String>::timestamp)
			.thenComparingInt(ConsumerRecord::partition)
			.thenComparingLong(ConsumerRecord::offset));
		return records;
	}

	/**
	 * A read position in a dead-letter topic: from {@code start} (marked so far) or
	 * {@code next} (read so far) to the end offsets taken when it was opened.
	 */
	private record Cursor(String topic, Consumer<String, String> consumer, Map<TopicPartition, Long> start,
			Map<TopicPartition, Long> next, Map<TopicPartition, Long> ends) {

	}

	/** What a replay did: dead letters replayed, in how many chunks. */
	record Replayed(int count, int chunks) {

	}

}
