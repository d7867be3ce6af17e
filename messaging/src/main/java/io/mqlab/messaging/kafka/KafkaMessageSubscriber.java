package io.mqlab.messaging.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.mqlab.messaging.BacklogProbe;
import io.mqlab.messaging.BatchDispatchException;
import io.mqlab.messaging.DeadLetter;
import io.mqlab.messaging.DeadLetterSink;
import io.mqlab.messaging.Dispatcher;
import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.MessageSubscriber;
import io.mqlab.messaging.Names;
import io.mqlab.messaging.Subscription;
import io.mqlab.messaging.SubscriptionSpec;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnknownMemberIdException;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.CommonDelegatingErrorHandler;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.KafkaBackoffException;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Consumes with one {@link ConcurrentMessageListenerContainer} per subscription: the
 * group is a Kafka consumer group, {@code concurrency} consumers each own whole
 * partitions (so one key is handled by one thread at a time, in order), and offsets are
 * committed, once per poll, only past records whose dispatch returned. A subscription
 * also forwards the delayed messages of its topic ({@link KafkaDelays}), or, in the
 * consumer-check delay mode, holds each partition until its head record is due.
 */
final class KafkaMessageSubscriber implements MessageSubscriber, BacklogProbe, DisposableBean {

	private static final Log logger = LogFactory.getLog(KafkaMessageSubscriber.class);

	private final KafkaClients clients;

	private final KafkaDelays delays;

	private final Set<KafkaSubscription> subscriptions = ConcurrentHashMap.newKeySet();

	KafkaMessageSubscriber(KafkaClients clients, KafkaDelays delays) {
		this.clients = clients;
		this.delays = delays;
	}

	@Override
	public void provision(String topic, String group) {
		this.clients.ensureTopic(topic);
		this.clients.ensureDeadLetterTopic(topic, group);
	}

	@Override
	public Subscription subscribe(SubscriptionSpec spec, Dispatcher dispatcher) {
		provision(spec.topic(), spec.group());
		KafkaRedeliveries redeliveries = new KafkaRedeliveries(this.clients.maxPollRecords());
		DeadLetterSink sink = deadLetterSink(KafkaClients.deadLetterTopic(spec.topic(), spec.group()));
		ContainerProperties properties = new ContainerProperties(spec.topic());
		properties.setGroupId(spec.group());
		// One synchronous commit per poll, once its records were dispatched; never past a
		// record whose dispatch threw (the container commits what came before it).
		properties.setAckMode(AckMode.BATCH);
		properties.setSyncCommits(true);
		properties.setOffsetAndMetadataProvider(redeliveries);
		// stop(): finish the record in hand; the rest of the poll is read again later.
		properties.setStopImmediate(true);
		properties.setPollTimeout(1000);
		properties.setConsumerRebalanceListener(redeliveries);
		boolean checkDue = this.delays.consumerCheck();
		if (checkDue) {
			// A resumed partition is fetched once the fetch in flight returns.
			Properties consumer = new Properties();
			consumer.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
			properties.setKafkaConsumerProperties(consumer);
		}
		ConcurrentMessageListenerContainer<String, String> container = new ConcurrentMessageListenerContainer<>(
				this.clients.consumerFactory(), properties);
		if (dispatcher.maxBatch() > 1 && !checkDue) {
			container.setupMessageListener((BatchMessageListener<String, String>) (records) -> handleBatches(records,
					dispatcher, redeliveries, sink));
		}
		else {
			container.setupMessageListener((MessageListener<String, String>) (record) -> {
				if (checkDue) {
					holdIfNotDue(record, container);
				}
				handle(record, dispatcher, redeliveries, sink);
			});
		}
		container.setConcurrency(Math.min(spec.concurrency(), this.clients.partitions()));
		container.setCommonErrorHandler(checkDue ? dueChecking(neverSkip()) : neverSkip());
		container.setBeanName("mqlab-" + spec.topic() + "-" + spec.group());
		KafkaSubscription subscription = new KafkaSubscription(spec, container);
		this.subscriptions.add(subscription);
		try {
			container.start();
		}
		catch (RuntimeException ex) {
			this.subscriptions.remove(subscription);
			throw ex;
		}
		this.delays.subscribed(spec.topic());
		logger.info("Subscribed group " + spec.group() + " to Kafka topic " + spec.topic() + " with concurrency "
				+ container.getConcurrency());
		return subscription;
	}

	private void handle(ConsumerRecord<String, String> record, Dispatcher dispatcher, KafkaRedeliveries redeliveries,
			DeadLetterSink sink) {
		TopicPartition partition = new TopicPartition(record.topic(), record.partition());
		boolean redelivered = redeliveries.starting(partition, record.offset()) || KafkaRecords.redelivered(record);
		try {
			Envelope envelope;
			try {
				envelope = KafkaRecords.envelope(record);
			}
			catch (RuntimeException ex) {
				unreadable(record, dispatcher.group(), sink, ex);
				return;
			}
			dispatcher.dispatch(envelope, redelivered, sink);
		}
		catch (Exception ex) {
			redeliveries.failed(partition, record.offset());
			// Not acknowledged: the error handler seeks back and it is read again.
			throw new KafkaException("Message at " + partition + "@" + record.offset() + " not handled, will retry",
					ex);
		}
	}

	/**
	 * A poll's records as batches of up to the dispatcher's most, across partitions (each
	 * partition's records in order): one handler call, one sink write, per poll. When a
	 * batch stops part way, the records from the first one not handled are read again
	 * (the error handler commits those before it and seeks every partition back to its
	 * first record not handled) and those of them the batch held are flagged redelivered.
	 */
	private void handleBatches(List<ConsumerRecord<String, String>> records, Dispatcher dispatcher,
			KafkaRedeliveries redeliveries, DeadLetterSink sink) {
		int from = 0;
		while (from < records.size()) {
			List<Dispatcher.Delivery> batch = new ArrayList<>();
			int until = from;
			while (until < records.size() && batch.size() < dispatcher.maxBatch()) {
				ConsumerRecord<String, String> record = records.get(until);
				Envelope envelope;
				try {
					envelope = KafkaRecords.envelope(record);
				}
				catch (RuntimeException ex) {
					if (batch.isEmpty()) {
						handle(record, dispatcher, redeliveries, sink, records, until);
						until++;
						from = until;
						continue;
					}
					break;
				}
				boolean redelivered = redeliveries.starting(new TopicPartition(record.topic(), record.partition()),
						record.offset()) || KafkaRecords.redelivered(record);
				batch.add(new Dispatcher.Delivery(envelope, redelivered));
				until++;
			}
			if (batch.isEmpty()) {
				continue;
			}
			try {
				dispatcher.dispatchBatch(batch, sink);
			}
			catch (BatchDispatchException ex) {
				int failed = from + ex.handled();
				suspect(records.subList(failed, until), redeliveries);
				ConsumerRecord<String, String> record = records.get(failed);
				throw new BatchListenerFailedException("Message at " + record.topic() + "-" + record.partition() + "@"
						+ record.offset() + " not handled, will retry", ex.getCause(), failed);
			}
			from = until;
		}
	}

	/**
	 * Each partition's records of a batch that stopped part way: read again, may be
	 * handled.
	 */
	private static void suspect(List<ConsumerRecord<String, String>> unhandled, KafkaRedeliveries redeliveries) {
		Map<TopicPartition, long[]> ranges = new LinkedHashMap<>();
		for (ConsumerRecord<String, String> record : unhandled) {
			ranges.computeIfAbsent(new TopicPartition(record.topic(), record.partition()),
					(partition) -> new long[] { record.offset(), record.offset() + 1 })[1] = record.offset() + 1;
		}
		ranges.forEach((partition, range) -> redeliveries.failed(partition, range[0], range[1]));
	}

	/** A record of a poll handled alone (its headers are unreadable). */
	private void handle(ConsumerRecord<String, String> record, Dispatcher dispatcher, KafkaRedeliveries redeliveries,
			DeadLetterSink sink, List<ConsumerRecord<String, String>> records, int index) {
		try {
			handle(record, dispatcher, redeliveries, sink);
		}
		catch (KafkaException ex) {
			throw new BatchListenerFailedException(ex.getMessage(), ex.getCause(), index);
		}
	}

	/**
	 * The consumer-check delay mode: a record not due yet is not handled; its partition
	 * is sought back to it (by the error handler) and paused until it is due. Every later
	 * record of that partition waits too, whatever its key: the price of this mode.
	 */
	private void holdIfNotDue(ConsumerRecord<String, String> record,
			ConcurrentMessageListenerContainer<String, String> container) {
		Long due = KafkaRecords.deliverAt(record);
		if (due != null && due > System.currentTimeMillis()) {
			TopicPartition partition = new TopicPartition(record.topic(), record.partition());
			this.delays.holds().hold(container, partition, Instant.ofEpochMilli(due));
			throw new KafkaBackoffException(
					"Record " + partition + "@" + record.offset() + " is due at " + Instant.ofEpochMilli(due),
					partition, container.getListenerId(), due);
		}
	}

	/**
	 * Not due: seek each partition back to its first unhandled record, without backoff,
	 * and throw (quietly) so that the container does not acknowledge the record.
	 */
	private static CommonErrorHandler dueChecking(CommonErrorHandler otherwise) {
		CommonDelegatingErrorHandler handler = new CommonDelegatingErrorHandler(otherwise);
		handler.addDelegate(KafkaBackoffException.class, new CommonErrorHandler() {

			@Override
			public boolean seeksAfterHandling() {
				return true;
			}

			@Override
			public void handleRemaining(Exception thrownException, List<ConsumerRecord<?, ?>> records,
					Consumer<?, ?> consumer, MessageListenerContainer container) {
				Map<TopicPartition, Long> first = new LinkedHashMap<>();
				records.forEach((record) -> first.putIfAbsent(new TopicPartition(record.topic(), record.partition()),
						record.offset()));
				first.forEach(consumer::seek);
				throw new KafkaException("Not due yet", KafkaException.Level.DEBUG, thrownException);
			}

		});
		return handler;
	}

	/** Headers mqlab cannot read: dead-letter the record as it is, like a bad payload. */
	private void unreadable(ConsumerRecord<String, String> record, String group, DeadLetterSink sink,
			RuntimeException ex) throws Exception {
		logger.warn("Dead-lettering unreadable record " + record.topic() + "-" + record.partition() + "@"
				+ record.offset() + " for group " + group + ": " + ex);
		Envelope raw = KafkaRecords.raw(record);
		sink.deadLetter(
				new DeadLetter(raw, group, ex.getClass().getName(), String.valueOf(ex.getMessage()), 0, Instant.now()));
	}

	private DeadLetterSink deadLetterSink(String deadLetterTopic) {
		return (deadLetter) -> this.clients.template()
			.send(KafkaRecords.deadLetterRecord(deadLetterTopic, deadLetter))
			.get(this.clients.timeout().toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Dispatch already retried and dead-lettered; it throws only when the message must
	 * not be acknowledged (stopping, dead-letter topic unreachable). So seek back and try
	 * again, forever, and never skip a record.
	 */
	private static DefaultErrorHandler neverSkip() {
		DefaultErrorHandler handler = new DefaultErrorHandler(new FixedBackOff(500, FixedBackOff.UNLIMITED_ATTEMPTS));
		handler.setClassifications(Map.of(), true);
		handler.setLogLevel(KafkaException.Level.WARN);
		return handler;
	}

	/**
	 * Messages of the topic the group has not handled: the end offset minus the committed
	 * offset, summed over partitions (from the start of a partition the group never
	 * committed on).
	 */
	@Override
	public long backlog(String topic, String group) {
		List<TopicPartition> partitions = this.clients.partitionsOf(topic);
		if (partitions.isEmpty()) {
			return 0;
		}
		try {
			Map<TopicPartition, OffsetAndMetadata> committed = this.clients
				.await(this.clients.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
			Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(partitions, (partition) -> OffsetSpec.latest());
			Map<TopicPartition, ListOffsetsResultInfo> starts = offsets(partitions,
					(partition) -> OffsetSpec.earliest());
			long backlog = 0;
			for (TopicPartition partition : partitions) {
				OffsetAndMetadata offset = committed.get(partition);
				long from = (offset != null) ? offset.offset() : starts.get(partition).offset();
				backlog += Math.max(0, ends.get(partition).offset() - from);
			}
			return backlog;
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(
					"Cannot read the backlog of group " + group + " on " + topic + ": " + ex.getCause(), ex.getCause());
		}
	}

	/**
	 * Moves the group's committed offsets to the first record published at or after
	 * {@code from}. Kafka accepts this only while the group has no member, so it retries
	 * briefly while a stopped consumer is still leaving.
	 */
	@Override
	public void rewind(String topic, String group, Instant from) {
		KafkaClients.name(topic, "topic");
		Names.group(group);
		for (KafkaSubscription subscription : this.subscriptions) {
			if (subscription.topic().equals(topic) && subscription.group().equals(group)) {
				throw new IllegalStateException(
						"Stop the subscription of group " + group + " to " + topic + " before rewinding it");
			}
		}
		List<TopicPartition> partitions = this.clients.partitionsOf(topic);
		if (partitions.isEmpty()) {
			return;
		}
		Map<TopicPartition, OffsetAndMetadata> target = new HashMap<>();
		try {
			Map<TopicPartition, ListOffsetsResultInfo> byTime = offsets(partitions,
					(partition) -> OffsetSpec.forTimestamp(from.toEpochMilli()));
			Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(partitions, (partition) -> OffsetSpec.latest());
			for (TopicPartition partition : partitions) {
				long offset = byTime.get(partition).offset();
				// -1: nothing published since then on this partition.
				target.put(partition, new OffsetAndMetadata((offset >= 0) ? offset : ends.get(partition).offset()));
			}
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(
					"Cannot find the offsets of " + topic + " at " + from + ": " + ex.getCause(), ex.getCause());
		}
		long deadline = System.nanoTime()
				+ Math.max(Duration.ofSeconds(10).toNanos(), this.clients.timeout().toNanos());
		while (true) {
			try {
				this.clients.await(this.clients.admin().alterConsumerGroupOffsets(group, target).all());
				logger.info("Rewound group " + group + " on " + topic + " to " + from + ": " + target);
				return;
			}
			catch (ExecutionException ex) {
				Throwable cause = ex.getCause();
				boolean leaving = cause instanceof UnknownMemberIdException || cause instanceof GroupNotEmptyException
						|| cause instanceof RetriableException;
				if (!leaving || System.nanoTime() > deadline) {
					throw new IllegalStateException("Cannot rewind group " + group + " on " + topic
							+ " (it must have no running consumer): " + cause, cause);
				}
			}
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while rewinding group " + group, ex);
			}
		}
	}

	private Map<TopicPartition, ListOffsetsResultInfo> offsets(List<TopicPartition> partitions,
			Function<TopicPartition, OffsetSpec> spec) throws ExecutionException {
		Map<TopicPartition, OffsetSpec> request = new HashMap<>();
		partitions.forEach((partition) -> request.put(partition, spec.apply(partition)));
		return this.clients.await(this.clients.admin().listOffsets(request).all());
	}

	@Override
	public void destroy() {
		for (KafkaSubscription subscription : this.subscriptions) {
			subscription.stop();
		}
	}

	private final class KafkaSubscription implements Subscription {

		private final SubscriptionSpec spec;

		private final ConcurrentMessageListenerContainer<String, String> container;

		KafkaSubscription(SubscriptionSpec spec, ConcurrentMessageListenerContainer<String, String> container) {
			this.spec = spec;
			this.container = container;
		}

		@Override
		public String topic() {
			return this.spec.topic();
		}

		@Override
		public String group() {
			return this.spec.group();
		}

		@Override
		public boolean isRunning() {
			return this.container.isRunning();
		}

		/** Waits until the consumers finished the records in hand and left the group. */
		@Override
		public void stop() {
			this.container.stop();
			KafkaMessageSubscriber.this.delays.holds().forget(this.container);
			KafkaMessageSubscriber.this.subscriptions.remove(this);
		}

	}

}
