package io.mqlab.messaging.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import io.mqlab.messaging.Names;
import io.mqlab.messaging.Delay;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.ProducerListener;

/**
 * The Kafka clients the adapter shares, built from Spring Boot's factories (so
 * {@code spring.kafka.*} and connection details apply) with the settings the contract
 * needs on top, plus topic provisioning and naming.
 */
final class KafkaClients implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(KafkaClients.class);

	private static final Pattern LEGAL_NAME = Pattern.compile("[A-Za-z0-9._-]{1,120}");

	private final DefaultKafkaProducerFactory<String, String> producerFactory;

	private final KafkaTemplate<String, String> template;

	private final ConsumerFactory<String, String> consumerFactory;

	private final Admin admin;

	private final String bootstrapServers;

	private final int partitions;

	private final short replicationFactor;

	private final int delayPartitions;

	private final Duration timeout;

	private final Map<String, String> deadLetterConfigs;

	private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();

	/**
	 * @param producerConfig Boot's producer configuration
	 * @param consumerConfig Boot's consumer configuration
	 * @param adminConfig Boot's admin configuration
	 * @param bootstrapServers where the broker is expected
	 * @param partitions partitions of each topic
	 * @param replicationFactor replication factor of each topic
	 * @param delayPartitions partitions of each delay topic
	 * @param timeout the publish timeout: bounds every blocking call to the broker
	 * @param deadLetterRetention how long dead letters are kept, {@code null} until
	 * replayed
	 */
	KafkaClients(Map<String, Object> producerConfig, Map<String, Object> consumerConfig,
			Map<String, Object> adminConfig, String bootstrapServers, int partitions, short replicationFactor,
			int delayPartitions, Duration timeout, Duration deadLetterRetention) {
		this.bootstrapServers = bootstrapServers;
		this.partitions = partitions;
		this.replicationFactor = replicationFactor;
		this.delayPartitions = delayPartitions;
		this.timeout = timeout;
		this.deadLetterConfigs = deadLetterConfigs(deadLetterRetention);
		this.producerFactory = new DefaultKafkaProducerFactory<>(producerConfig(producerConfig, timeout),
				new StringSerializer(), new StringSerializer());
		this.template = new KafkaTemplate<>(this.producerFactory);
		this.template.setProducerListener(new ProducerListener<>() {
			@Override
			public void onError(ProducerRecord<String, String> record, RecordMetadata metadata, Exception ex) {
				// The caller gets the failure via the future; log it, not the payload.
				logger.warn("Kafka did not accept a record for " + record.topic() + ": " + ex);
			}
		});
		this.consumerFactory = new DefaultKafkaConsumerFactory<>(consumerConfig(consumerConfig),
				new StringDeserializer(), new StringDeserializer());
		Map<String, Object> admin = new HashMap<>(adminConfig);
		int requestTimeout = (int) Math.max(1000, timeout.toMillis() / 2);
		admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout);
		admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.max(requestTimeout, timeout.toMillis()));
		this.admin = Admin.create(admin);
	}

	/**
	 * Durable and idempotent, and bounded so that an unreachable broker fails a publish
	 * within the publish timeout instead of the client defaults (60 s to block, 2 min to
	 * deliver).
	 */
	private static Map<String, Object> producerConfig(Map<String, Object> boot, Duration timeout) {
		Map<String, Object> config = new HashMap<>(boot);
		// A transactional producer needs a transaction per send; mqlab has none.
		config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		// Not Kafka 4's 5 ms: a publish waits for its ack, so a linger delays every
		// synchronous publish and the last batch of every publishAll by its whole length,
		// while records sent together are batched anyway (measured with ./mqlab bench:
		// p50 3.7 -> 0.5 ms at 1,000 msg/s, publishAll throughput up a fifth).
		config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
		long half = Math.max(1000, timeout.toMillis() / 2);
		config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, half);
		config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) half);
		long linger = Long.parseLong(config.get(ProducerConfig.LINGER_MS_CONFIG).toString());
		long request = Long.parseLong(config.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG).toString());
		config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
				(int) Math.max(timeout.toMillis(), linger + request));
		return config;
	}

	/** Offsets are committed by mqlab once a message was handled, never automatically. */
	private static Map<String, Object> consumerConfig(Map<String, Object> boot) {
		Map<String, Object> config = new HashMap<>(boot);
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
		config.remove(ConsumerConfig.GROUP_ID_CONFIG);
		// Smaller polls than the client's 500: a stop or rebalance waits for one poll's
		// records, and a crash may redeliver (flagged) that many per partition.
		config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
		return config;
	}

	KafkaTemplate<String, String> template() {
		return this.template;
	}

	ConsumerFactory<String, String> consumerFactory() {
		return this.consumerFactory;
	}

	/** The most records one poll returns, so the most handled before a commit. */
	int maxPollRecords() {
		return Integer.parseInt(this.consumerFactory.getConfigurationProperties()
			.get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG)
			.toString());
	}

	Admin admin() {
		return this.admin;
	}

	String bootstrapServers() {
		return this.bootstrapServers;
	}

	int partitions() {
		return this.partitions;
	}

	Duration timeout() {
		return this.timeout;
	}

	/** The producer's {@code max.request.size}: no record over it is sent. */
	int maxRequestSize() {
		Object value = this.producerFactory.getConfigurationProperties().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
		return (value != null) ? Integer.parseInt(value.toString()) : 1024 * 1024;
	}

	/** The producer's compression, which the size of a record is estimated with. */
	CompressionType compression() {
		Object value = this.producerFactory.getConfigurationProperties().get(ProducerConfig.COMPRESSION_TYPE_CONFIG);
		return (value != null) ? CompressionType.forName(value.toString()) : CompressionType.NONE;
	}

	/** A short-lived consumer of the given group, for assign/seek reads. */
	Consumer<String, String> consumer(String group) {
		return this.consumerFactory.createConsumer(group, null, null, new Properties());
	}

	static String name(String value, String what) {
		if (value == null || !LEGAL_NAME.matcher(value).matches()) {
			throw new IllegalArgumentException(
					"Invalid " + what + " '" + value + "': use 1 to 120 characters of [A-Za-z0-9._-]");
		}
		return value;
	}

	static String deadLetterTopic(String topic, String group) {
		return name(topic, "topic") + "." + Names.group(group) + ".dlt";
	}

	/** The group whose committed offset marks the dead letters already replayed. */
	static String replayedGroup(String group) {
		return "mqlab-dlt-" + Names.group(group);
	}

	/** Creates the topic with the configured partitions, if it does not exist. */
	void ensureTopic(String topic) {
		ensure(List.of(new NewTopic(name(topic, "topic"), this.partitions, this.replicationFactor)));
	}

	/**
	 * Creates the dead-letter topic of a group, or corrects the retention of an existing
	 * one (the broker's default would delete dead letters after 7 days). One partition:
	 * dead letters are listed and replayed in the order they failed.
	 */
	void ensureDeadLetterTopic(String topic, String group) {
		String name = deadLetterTopic(topic, group);
		if (this.knownTopics.contains(name)) {
			return;
		}
		List<String> created = ensure(
				List.of(new NewTopic(name, 1, this.replicationFactor).configs(this.deadLetterConfigs)));
		if (!created.contains(name)) {
			alignConfigs(name, this.deadLetterConfigs);
		}
	}

	/**
	 * Dead letters stay until replayed (or the configured retention), whatever the
	 * broker's defaults; delete, not compact, so a replay can delete what it replayed.
	 */
	private static Map<String, String> deadLetterConfigs(Duration retention) {
		if (retention != null && (retention.isNegative() || retention.isZero())) {
			throw new IllegalArgumentException(
					"mqlab.messaging.kafka.dead-letter-retention must be positive (unset: until replayed), was "
							+ retention);
		}
		return Map.of(TopicConfig.RETENTION_MS_CONFIG, (retention != null) ? Long.toString(retention.toMillis()) : "-1",
				TopicConfig.RETENTION_BYTES_CONFIG, "-1", TopicConfig.CLEANUP_POLICY_CONFIG,
				TopicConfig.CLEANUP_POLICY_DELETE);
	}

	/**
	 * Sets the configs of an existing topic that differ. A failure (e.g. no ALTER_CONFIGS
	 * permission) is logged, not thrown: consuming goes on, with the topic as it is.
	 */
	private void alignConfigs(String topic, Map<String, String> wanted) {
		ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
		try {
			Config current = await(this.admin.describeConfigs(List.of(resource)).all()).get(resource);
			List<AlterConfigOp> changes = new ArrayList<>();
			wanted.forEach((name, value) -> {
				ConfigEntry entry = current.get(name);
				if (entry == null || !value.equals(entry.value())) {
					changes.add(new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET));
				}
			});
			if (!changes.isEmpty()) {
				await(this.admin.incrementalAlterConfigs(Map.of(resource, changes)).all());
				logger.info("Set " + wanted + " on the existing Kafka topic " + topic);
			}
		}
		catch (ExecutionException | RuntimeException ex) {
			Throwable cause = (ex instanceof ExecutionException) ? ex.getCause() : ex;
			logger.warn("Cannot set " + wanted + " on the Kafka topic " + topic
					+ ": its records may expire under the broker's retention: " + cause);
		}
	}

	/**
	 * Creates the delay topics of a topic (see {@link KafkaDelayTiers}): forwarders share
	 * their partitions (few by default: the first delayed publish waits for them to be
	 * created, a hundred partitions take seconds), they are stamped with the broker's
	 * append time (which a hold counts from), and kept past the longest delay with a
	 * week's margin for forwarders that were down. Kafka persists them: delayed messages
	 * survive restarts of the services and of the broker.
	 */
	void ensureDelayTopics(String topic) {
		Map<String, String> configs = Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime",
				TopicConfig.RETENTION_MS_CONFIG, Long.toString(Delay.MAX.plusDays(7).toMillis()));
		List<NewTopic> tiers = new ArrayList<>();
		for (String tier : KafkaDelayTiers.topics(name(topic, "topic"))) {
			tiers.add(new NewTopic(tier, this.delayPartitions, this.replicationFactor).configs(configs));
		}
		ensure(tiers);
	}

	/**
	 * Waits until the partitions of new topics take writes: a leader that has not set up
	 * its new partitions yet answers NOT_LEADER_OR_FOLLOWER, and an idempotent producer
	 * that got those while sending several batches can stall on an out-of-order sequence
	 * until its delivery timeout. The admin client retries that error until the partition
	 * answers.
	 */
	private void awaitLeaders(List<String> topics) {
		Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
		for (String topic : topics) {
			partitionsOf(topic).forEach((partition) -> ends.put(partition, OffsetSpec.latest()));
		}
		try {
			await(this.admin.listOffsets(ends).all());
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("New Kafka topics " + topics + " have no leader yet: " + ex.getCause(),
					ex.getCause());
		}
	}

	void ensureTopics(Collection<String> topics) {
		List<NewTopic> missing = new ArrayList<>();
		for (String topic : topics) {
			missing.add(new NewTopic(name(topic, "topic"), this.partitions, this.replicationFactor));
		}
		ensure(missing);
	}

	/**
	 * Creates the topics not known to exist and waits until they take writes.
	 * @return the topics created now (not those that existed)
	 */
	private List<String> ensure(List<NewTopic> topics) {
		List<NewTopic> missing = topics.stream().filter((topic) -> !this.knownTopics.contains(topic.name())).toList();
		if (missing.isEmpty()) {
			return List.of();
		}
		List<String> created = new ArrayList<>();
		Map<String, KafkaFuture<Void>> results = this.admin
			.createTopics(missing, new CreateTopicsOptions().timeoutMs((int) this.timeout.toMillis()))
			.values();
		for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
			try {
				await(result.getValue());
				logger.info("Created Kafka topic " + result.getKey());
				created.add(result.getKey());
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof TopicExistsException)) {
					throw new IllegalStateException("Cannot create Kafka topic " + result.getKey() + " on "
							+ this.bootstrapServers + ": " + ex.getCause(), ex.getCause());
				}
			}
			this.knownTopics.add(result.getKey());
		}
		if (!created.isEmpty()) {
			awaitLeaders(created);
		}
		return created;
	}

	/** The partitions of a topic, empty when it does not exist. */
	List<TopicPartition> partitionsOf(String topic) {
		try {
			return await(this.admin.describeTopics(List.of(topic), new DescribeTopicsOptions()).allTopicNames())
				.get(topic)
				.partitions()
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof UnknownTopicOrPartitionException) {
				return List.of();
			}
			throw new IllegalStateException("Cannot describe Kafka topic " + topic + ": " + ex.getCause(),
					ex.getCause());
		}
	}

	/** Waits for an admin result, bounded by the timeout. */
	<T> T await(KafkaFuture<T> future) throws ExecutionException {
		try {
			return future.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for Kafka", ex);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException(
					"Kafka at " + this.bootstrapServers + " did not answer within " + this.timeout, ex);
		}
	}

	@Override
	public void close() {
		this.producerFactory.destroy();
		this.admin.close(Duration.ofSeconds(2));
	}

}
