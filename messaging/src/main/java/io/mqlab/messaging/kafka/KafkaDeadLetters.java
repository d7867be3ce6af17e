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
import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.MessageHeaders;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Dead letters live in the topic {@code <topic>.<group>.dlt}. Kafka cannot delete one
 * record, so "removed" means "before the committed offset of the bookkeeping group
 * {@code mqlab-dlt-<group>}": list reads from that offset to the end with a short-lived
 * consumer (assign and seek, no group membership); replay republishes, then commits past
 * what it republished.
 */
final class KafkaDeadLetters implements DeadLetters {

	private static final Log logger = LogFactory.getLog(KafkaDeadLetters.class);

	private final KafkaClients clients;

	KafkaDeadLetters(KafkaClients clients) {
		this.clients = clients;
	}

	@Override
	public List<DeadLetter> list(String topic, String group, int limit) {
		String deadLetterTopic = KafkaClients.deadLetterTopic(topic, group);
		if (limit <= 0) {
			return List.of();
		}
		try (Consumer<String, String> consumer = this.clients.consumer(KafkaClients.replayedGroup(group))) {
			return read(consumer, deadLetterTopic, limit).records()
				.stream()
				.limit(limit)
				.map(KafkaRecords::deadLetter)
				.toList();
		}
	}

	/**
	 * Republishes the originals, with {@link MessageHeaders#REPLAY_GROUP} so only this
	 * group handles them, and commits past them once the broker has them all. Two replays
	 * of one group at the same time may both republish a dead letter (idempotent
	 * consumers drop the copy).
	 */
	@Override
	public int replay(String topic, String group) {
		try (Consumer<String, String> consumer = this.clients.consumer(KafkaClients.replayedGroup(group))) {
			Read read = read(consumer, KafkaClients.deadLetterTopic(topic, group), Integer.MAX_VALUE);
			if (read.records().isEmpty()) {
				return 0;
			}
			List<Envelope> originals = new ArrayList<>();
			for (ConsumerRecord<String, String> record : read.records()) {
				originals.add(KafkaRecords.envelope(record).withHeader(MessageHeaders.REPLAY_GROUP, group));
			}
			this.clients.ensureTopic(topic);
			List<CompletableFuture<?>> sent = new ArrayList<>();
			for (Envelope original : originals) {
				sent.add(this.clients.template().send(KafkaRecords.record(topic, original)));
			}
			CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
				.get(this.clients.timeout().toMillis(), TimeUnit.MILLISECONDS);
			Map<TopicPartition, OffsetAndMetadata> replayed = new HashMap<>();
			read.ends().forEach((partition, end) -> replayed.put(partition, new OffsetAndMetadata(end)));
			consumer.commitSync(replayed, this.clients.timeout());
			logger.info("Replayed " + originals.size() + " dead letter(s) of group " + group + " to " + topic);
			return originals.size();
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Could not replay the dead letters of group " + group + " on " + topic
					+ "; they stay dead letters: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while replaying dead letters of group " + group, ex);
		}
	}

	/**
	 * The dead letters from the bookkeeping group's committed offset to the end offsets
	 * taken at the start, oldest first; at most {@code max} per partition (enough for the
	 * oldest {@code max}: a partition's records are in the order they failed).
	 */
	private Read read(Consumer<String, String> consumer, String deadLetterTopic, int max) {
		List<TopicPartition> partitions = this.clients.partitionsOf(deadLetterTopic);
		if (partitions.isEmpty()) {
			return new Read(List.of(), Map.of());
		}
		Duration timeout = this.clients.timeout();
		consumer.assign(partitions);
		Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions), timeout);
		Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
		Map<TopicPartition, Long> remaining = new HashMap<>();
		for (TopicPartition partition : partitions) {
			OffsetAndMetadata offset = committed.get(partition);
			if (offset != null) {
				consumer.seek(partition, offset.offset());
			}
			else {
				consumer.seekToBeginning(List.of(partition));
			}
			if (consumer.position(partition, timeout) < ends.get(partition)) {
				remaining.put(partition, ends.get(partition));
			}
		}
		List<ConsumerRecord<String, String>> records = new ArrayList<>();
		Map<TopicPartition, Integer> counts = new HashMap<>();
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!remaining.isEmpty()) {
			ConsumerRecords<String, String> polled = consumer.poll(Duration.ofMillis(200));
			for (ConsumerRecord<String, String> record : polled) {
				TopicPartition partition = new TopicPartition(record.topic(), record.partition());
				Long end = remaining.get(partition);
				if (end != null && record.offset() < end && counts.merge(partition, 1, Integer::sum) <= max) {
					records.add(record);
				}
			}
			remaining.keySet()
				.removeIf((partition) -> consumer.position(partition) >= remaining.get(partition)
						|| counts.getOrDefault(partition, 0) >= max);
			if (!polled.isEmpty()) {
				deadline = System.nanoTime() + timeout.toNanos();
			}
			else if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Could not read the dead letters of " + deadLetterTopic + " within "
						+ timeout + " from Kafka at " + this.clients.bootstrapServers());
			}
		}
		records.sort(Comparator.comparingLong(ConsumerRecord<String, String>::timestamp)
			.thenComparingInt(ConsumerRecord::partition)
			.thenComparingLong(ConsumerRecord::offset));
		return new Read(records, ends);
	}

	private record Read(List<ConsumerRecord<String, String>> records, Map<TopicPartition, Long> ends) {

	}

}
