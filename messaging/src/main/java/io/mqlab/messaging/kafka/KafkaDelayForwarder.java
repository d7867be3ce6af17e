package io.mqlab.messaging.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import org.springframework.kafka.listener.BatchConsumerAwareMessageListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;

/**
 * Moves the delayed messages of one topic from its delay topics to the topic when they
 * are due. Every process that publishes delayed messages to the topic or consumes it runs
 * one, in the group {@link KafkaDelayTiers#group}, so the instances share the delay
 * partitions and one survivor is enough.
 * <p>
 * Per partition of a poll: records that are released (see {@link KafkaDelayTiers}) are
 * forwarded, with their key, to the topic when due or to the next tier; at the first one
 * that is not, the partition is sought back to it and paused until it is released (no
 * polling, no sleeping). Offsets are committed only once the broker has every forwarded
 * copy (idempotent producer, {@code acks=all}): at least once. A crash between the two
 * forwards some records again; the next owner reads the commit metadata like a
 * subscription does ({@link KafkaRedeliveries}) and flags those copies, so consumers see
 * them as redelivered.
 */
final class KafkaDelayForwarder implements BatchConsumerAwareMessageListener<String, String> {

	private static final Log logger = LogFactory.getLog(KafkaDelayForwarder.class);

	/** Records per poll: a forward is cheap, and bounds what a crash forwards again. */
	private static final int BATCH = 500;

	/** How long a partition waits before a failed forward is tried again. */
	private static final Duration RETRY = Duration.ofSeconds(1);

	private final String topic;

	private final KafkaClients clients;

	private final KafkaPartitionHolds holds;

	private final Map<String, Long> holdMillis = new HashMap<>();

	private final KafkaRedeliveries redeliveries = new KafkaRedeliveries(BATCH);

	private final KafkaMessageListenerContainer<String, String> container;

	KafkaDelayForwarder(String topic, KafkaClients clients, KafkaPartitionHolds holds) {
		this.topic = topic;
		this.clients = clients;
		this.holds = holds;
		List<String> tiers = KafkaDelayTiers.topics(topic);
		for (int tier = 0; tier < tiers.size(); tier++) {
			this.holdMillis.put(tiers.get(tier), KafkaDelayTiers.HOLD_MILLIS[tier]);
		}
		ContainerProperties properties = new ContainerProperties(tiers.toArray(String[]::new));
		properties.setGroupId(KafkaDelayTiers.group(topic));
		// Commits are this listener's, once the forwarded copies are on the broker.
		properties.setAckMode(AckMode.MANUAL);
		properties.setPollTimeout(1000);
		properties.setConsumerRebalanceListener(this.redeliveries);
		Properties consumer = new Properties();
		consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(BATCH));
		// A resumed partition is fetched once the fetch in flight returns: keep it short.
		consumer.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
		// An instance joining or leaving moves only the partitions it takes or gives.
		consumer.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
		properties.setKafkaConsumerProperties(consumer);
		properties.setMessageListener(this);
		this.container = new KafkaMessageListenerContainer<>(clients.consumerFactory(), properties);
		this.container.setBeanName("mqlab-delay-" + topic);
	}

	void start() {
		this.clients.ensureDelayTopics(this.topic);
		this.clients.ensureTopic(this.topic);
		this.container.start();
		logger.info("Forwarding delayed messages of Kafka topic " + this.topic + " in group "
				+ KafkaDelayTiers.group(this.topic));
	}

	void stop() {
		this.container.stop();
		this.holds.forget(this.container);
	}

	@Override
	public void onMessage(List<ConsumerRecord<String, String>> records, Consumer<?, ?> consumer) {
		Map<TopicPartition, List<ConsumerRecord<String, String>>> partitions = new LinkedHashMap<>();
		for (ConsumerRecord<String, String> record : records) {
			partitions.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), (p) -> new ArrayList<>())
				.add(record);
		}
		try {
			forward(partitions, consumer);
		}
		catch (RuntimeException ex) {
			// Never skip a record: read the whole poll again after a pause, flagged.
			logger.error("Could not forward delayed records of " + this.topic + ", will try again", ex);
			Instant retry = Instant.now().plus(RETRY);
			partitions.forEach((partition, polled) -> {
				long first = polled.get(0).offset();
				this.redeliveries.failed(partition, first, polled.get(polled.size() - 1).offset() + 1);
				consumer.seek(partition, first);
				this.holds.hold(this.container, partition, retry);
			});
		}
	}

	private void forward(Map<TopicPartition, List<ConsumerRecord<String, String>>> partitions,
			Consumer<?, ?> consumer) {
		long now = System.currentTimeMillis();
		Map<TopicPartition, Waiting> waiting = new HashMap<>();
		List<Forward> forwards = new ArrayList<>();
		for (Map.Entry<TopicPartition, List<ConsumerRecord<String, String>>> entry : partitions.entrySet()) {
			TopicPartition partition = entry.getKey();
			for (ConsumerRecord<String, String> record : entry.getValue()) {
				long release = releaseAt(record);
				if (release > now) {
					waiting.put(partition, new Waiting(record.offset(), release));
					break;
				}
				boolean again = this.redeliveries.starting(partition, record.offset())
						|| KafkaRecords.redelivered(record);
				forwards.add(new Forward(partition, record.offset(), send(record, again)));
			}
		}
		Map<TopicPartition, Long> done = new HashMap<>();
		Map<TopicPartition, long[]> failed = new HashMap<>();
		awaitSends(forwards, done, failed);
		commit(consumer, done);
		failed.forEach((partition, range) -> {
			// Sent ones after the failure are forwarded again: flagged.
			this.redeliveries.failed(partition, range[0], range[1]);
			waiting.put(partition, new Waiting(range[0], System.currentTimeMillis() + RETRY.toMillis()));
		});
		waiting.forEach((partition, wait) -> {
			consumer.seek(partition, wait.offset());
			this.holds.hold(this.container, partition, Instant.ofEpochMilli(wait.until()));
		});
	}

	/**
	 * When a delay-topic record may leave its tier: its due time, or the end of its
	 * tier's hold if sooner. A record without a readable due time leaves at once.
	 */
	private long releaseAt(ConsumerRecord<String, String> record) {
		Long due = KafkaRecords.deliverAt(record);
		if (due == null) {
			return 0;
		}
		return Math.min(due, record.timestamp() + this.holdMillis.getOrDefault(record.topic(), 0L));
	}

	private CompletableFuture<?> send(ConsumerRecord<String, String> record, boolean again) {
		Long due = KafkaRecords.deliverAt(record);
		long remaining = (due != null) ? due - System.currentTimeMillis() : 0;
		String target = (remaining > 0) ? KafkaDelayTiers.topicFor(this.topic, remaining) : this.topic;
		ProducerRecord<String, String> forwarded = KafkaRecords.forwarded(target, record, again);
		try {
			return this.clients.template().send(forwarded);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Waits for the broker's answers: per partition, what was forwarded up to the first
	 * failure is done, the failure and what follows it is read again.
	 */
	private void awaitSends(List<Forward> forwards, Map<TopicPartition, Long> done,
			Map<TopicPartition, long[]> failed) {
		long deadline = System.nanoTime() + this.clients.timeout().toNanos();
		for (Forward forward : forwards) {
			long[] range = failed.get(forward.partition());
			if (range != null) {
				range[1] = forward.offset() + 1;
				continue;
			}
			try {
				forward.sent().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				done.put(forward.partition(), forward.offset() + 1);
			}
			catch (ExecutionException | TimeoutException ex) {
				logger.warn("Could not forward delayed record " + forward.partition() + "@" + forward.offset()
						+ ", will try again: " + ((ex.getCause() != null) ? ex.getCause() : ex));
				failed.put(forward.partition(), new long[] { forward.offset(), forward.offset() + 1 });
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				failed.put(forward.partition(), new long[] { forward.offset(), forward.offset() + 1 });
			}
		}
	}

	private void commit(Consumer<?, ?> consumer, Map<TopicPartition, Long> done) {
		if (done.isEmpty()) {
			return;
		}
		Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
		done.forEach((partition, offset) -> offsets.put(partition, this.redeliveries.provide(null, offset)));
		try {
			try {
				consumer.commitSync(offsets, this.clients.timeout());
			}
			catch (WakeupException ex) {
				// A partition resumed while the consumer was not polling: commit again.
				consumer.commitSync(offsets, this.clients.timeout());
			}
		}
		catch (KafkaException ex) {
			// The records are forwarded; a later commit covers them, or the next owner of
			// the partition forwards them again, flagged.
			logger.warn("Could not commit forwarded delayed records " + offsets.keySet() + ": " + ex);
		}
	}

	private record Waiting(long offset, long until) {

	}

	private record Forward(TopicPartition partition, long offset, CompletableFuture<?> sent) {

	}

}
