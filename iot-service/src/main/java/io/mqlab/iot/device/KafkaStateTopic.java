package io.mqlab.iot.device;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.iot.IotSettings;
import io.mqlab.messaging.autoconfigure.MessagingProperties;
import io.mqlab.messaging.listener.MessageListenerRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * On Kafka the devices' last states live in a compacted topic ({@code iot.state},
 * {@code cleanup.policy=compact}, keyed by device id): Kafka keeps the latest record of
 * every device for good and drops the ones it replaced, so the topic is the last-value
 * store and Redis the view the REST API serves. Before the listeners subscribe, the topic
 * is created compacted (or an existing one set to compact); then the last states are read
 * back from it into Redis, so an instance whose Redis lost them (or a new Redis) serves
 * every device's last state again. A state Redis holds with the same or a higher sequence
 * number is left as it is, so the read-back changes nothing on a Redis that kept
 * everything.
 */
@Component
@ConditionalOnProperty(name = "mqlab.messaging.backend", havingValue = "kafka")
class KafkaStateTopic implements InitializingBean, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(KafkaStateTopic.class);

	private final String topic;

	private final DeviceStore devices;

	private final JsonMapper json;

	private final MeterRegistry meters;

	private final Map<String, Object> adminConfig;

	private final Map<String, Object> consumerConfig;

	private final int partitions;

	private final short replicationFactor;

	private final Duration timeout;

	private final Duration rebuildTimeout;

	private volatile boolean running;

	KafkaStateTopic(IotSettings settings, DeviceStore devices, JsonMapper json, MeterRegistry meters, KafkaAdmin admin,
			ConsumerFactory<?, ?> consumers, MessagingProperties messaging) {
		this.topic = settings.topics().state();
		this.devices = devices;
		this.json = json;
		this.meters = meters;
		this.adminConfig = admin.getConfigurationProperties();
		this.consumerConfig = consumerConfig(consumers.getConfigurationProperties());
		this.partitions = messaging.getPartitions();
		this.replicationFactor = messaging.getKafka().getReplicationFactor();
		this.timeout = messaging.getPublishTimeout();
		this.rebuildTimeout = settings.stateRebuildTimeout();
	}

	/** Reads by assignment from the beginning: no group, nothing committed. */
	private static Map<String, Object> consumerConfig(Map<String, Object> boot) {
		Map<String, Object> config = new HashMap<>(boot);
		config.remove(ConsumerConfig.GROUP_ID_CONFIG);
		config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
		config.put(ConsumerConfig.CLIENT_ID_CONFIG, "iot-state-rebuild");
		return config;
	}

	/**
	 * Creates the topic compacted, with the partitions the messaging library gives its
	 * topics, or sets an existing one to compact: when the bean is ready, before the
	 * listeners are provisioned (which creates their topics with the broker's defaults).
	 */
	@Override
	public void afterPropertiesSet() {
		try (Admin admin = Admin.create(this.adminConfig)) {
			try {
				await(admin
					.createTopics(List.of(new NewTopic(this.topic, this.partitions, this.replicationFactor)
						.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
					.all());
				logger.info("Created the compacted Kafka topic " + this.topic + " for the devices' last states");
				return;
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof TopicExistsException)) {
					throw new IllegalStateException(
							"Cannot create the Kafka topic " + this.topic + ": " + ex.getCause(), ex.getCause());
				}
			}
			ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, this.topic);
			Config current = await(admin.describeConfigs(List.of(resource)).all()).get(resource);
			ConfigEntry policy = current.get(TopicConfig.CLEANUP_POLICY_CONFIG);
			if (policy == null || !TopicConfig.CLEANUP_POLICY_COMPACT.equals(policy.value())) {
				await(admin.incrementalAlterConfigs(Map.of(resource,
						List.of(new AlterConfigOp(
								new ConfigEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT),
								AlterConfigOp.OpType.SET))))
					.all());
				logger.info("Set cleanup.policy=compact on the Kafka topic " + this.topic + " (was "
						+ ((policy != null) ? policy.value() : "unset") + ")");
			}
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("Cannot make the Kafka topic " + this.topic
					+ " compacted (the devices' last states): " + ex.getCause(), ex.getCause());
		}
	}

	@Override
	public void start() {
		rebuild();
		this.running = true;
	}

	/**
	 * Reads the topic from its beginning up to where it ended when this started, applying
	 * each state to Redis; what comes after is the listeners' work. Bounded by
	 * {@code mqlab.iot.state-rebuild-timeout}: past it, what was read is kept and the
	 * rest of the states come as devices report again. Holds one poll's records and the
	 * ids of the devices restored (at most {@code mqlab.iot.max-devices}).
	 */
	void rebuild() {
		long started = System.nanoTime();
		long deadline = started + this.rebuildTimeout.toNanos();
		long read = 0;
		Set<String> restored = new HashSet<>();
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(this.consumerConfig, new StringDeserializer(),
				new StringDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(this.topic, this.timeout)
				.stream()
				.map((info) -> new TopicPartition(this.topic, info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, this.timeout);
			while (!reached(consumer, ends)) {
				if (System.nanoTime() > deadline) {
					logger.warn("Read back " + read + " records of " + this.topic + " within " + this.rebuildTimeout
							+ " (mqlab.iot.state-rebuild-timeout), not all of them; "
							+ "the others' states come as the devices report again");
					break;
				}
				// the newest of each device in one poll: one Redis call per device, not
				// per record (the head of a compacted topic is not compacted yet)
				Map<String, StateReported> newest = new HashMap<>();
				for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
					Long end = ends.get(new TopicPartition(record.topic(), record.partition()));
					if (end == null || record.offset() >= end || record.value() == null) {
						continue;
					}
					read++;
					StateReported state = read(record);
					if (state != null) {
						newest.merge(state.deviceId(), state, (a, b) -> (b.seq() > a.seq()) ? b : a);
					}
				}
				for (StateReported state : newest.values()) {
					if (this.devices.applyState(state) == 1) {
						restored.add(state.deviceId());
					}
				}
			}
		}
		this.meters.counter("mqlab.iot.state.rebuilt").increment(restored.size());
		logger.info("Read back " + read + " records of the compacted topic " + this.topic + " in "
				+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms: the states of " + restored.size()
				+ " devices restored to Redis, the others were there already");
	}

	private StateReported read(ConsumerRecord<String, String> record) {
		try {
			return this.json.readValue(record.value(), StateReported.class);
		}
		catch (JacksonException ex) {
			logger.warn("Unreadable state record at " + record.topic() + "-" + record.partition() + "@"
					+ record.offset() + " skipped: " + ex.getOriginalMessage());
			return null;
		}
	}

	private static boolean reached(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> ends) {
		for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
			if (consumer.position(end.getKey()) < end.getValue()) {
				return false;
			}
		}
		return true;
	}

	private <T> T await(KafkaFuture<T> future) throws ExecutionException {
		try {
			return future.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for Kafka", ex);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("Kafka did not answer within " + this.timeout, ex);
		}
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Before the listeners subscribe (and create the topic as the library does). */
	@Override
	public int getPhase() {
		return MessageListenerRegistry.PHASE - 1;
	}

}
