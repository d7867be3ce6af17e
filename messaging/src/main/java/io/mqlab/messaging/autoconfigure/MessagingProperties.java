package io.mqlab.messaging.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mqlab.messaging.Backend;
import io.mqlab.messaging.RetrySettings;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings under {@code mqlab.messaging}.
 */
@ConfigurationProperties("mqlab.messaging")
public class MessagingProperties {

	/** The broker to use: kafka, rabbitmq, redis or postgres. */
	private Backend backend;

	/**
	 * Client auto-configurations to keep on besides the backend's own, e.g. redis for a
	 * service that keeps state in Redis while messaging over Kafka.
	 */
	private List<Backend> extraClients = new ArrayList<>();

	/** Largest payload accepted, in bytes (JSON, UTF-8). */
	private int maxPayloadBytes = 1024 * 1024;

	/** How long a synchronous publish waits for the broker's acknowledgement. */
	private Duration publishTimeout = Duration.ofSeconds(10);

	/** Default number of messages a subscription handles at once in this process. */
	private int concurrency = 1;

	/**
	 * Partitions per topic: Kafka partitions, RabbitMQ partition queues per group, Redis
	 * streams per topic. Bounds the parallelism of one group.
	 */
	private int partitions = 8;

	/**
	 * How long a consumer may hold a message before another group member may take it
	 * (Redis pending-entry claim, PostgreSQL lease).
	 */
	private Duration visibilityTimeout = Duration.ofSeconds(30);

	/**
	 * How often the broker is asked for each consumed group's backlog; metrics and health
	 * serve the last answer and its age, so a scrape never waits for the broker.
	 */
	private Duration backlogInterval = Duration.ofSeconds(10);

	/**
	 * The groups that consume each topic this service publishes, declared at start-up
	 * before anything is published, so that messages published before a group's service
	 * first subscribes are kept for it (RabbitMQ and PostgreSQL keep messages only for
	 * groups that exist). A topic with dots is written in brackets:
	 * {@code mqlab.messaging.declare[order.requests]=order-service-new}.
	 */
	private Map<String, List<String>> declare = new LinkedHashMap<>();

	private final Retry retry = new Retry();

	private final Outbox outbox = new Outbox();

	private final Idempotency idempotency = new Idempotency();

	private final Kafka kafka = new Kafka();

	private final Rabbitmq rabbitmq = new Rabbitmq();

	private final Redis redis = new Redis();

	private final Postgres postgres = new Postgres();

	public Backend getBackend() {
		return this.backend;
	}

	public void setBackend(Backend backend) {
		this.backend = backend;
	}

	public Map<String, List<String>> getDeclare() {
		return this.declare;
	}

	public void setDeclare(Map<String, List<String>> declare) {
		this.declare = declare;
	}

	public List<Backend> getExtraClients() {
		return this.extraClients;
	}

	public void setExtraClients(List<Backend> extraClients) {
		this.extraClients = extraClients;
	}

	public int getMaxPayloadBytes() {
		return this.maxPayloadBytes;
	}

	public void setMaxPayloadBytes(int maxPayloadBytes) {
		this.maxPayloadBytes = maxPayloadBytes;
	}

	public Duration getPublishTimeout() {
		return this.publishTimeout;
	}

	public void setPublishTimeout(Duration publishTimeout) {
		this.publishTimeout = publishTimeout;
	}

	public int getConcurrency() {
		return this.concurrency;
	}

	public void setConcurrency(int concurrency) {
		this.concurrency = concurrency;
	}

	public int getPartitions() {
		return this.partitions;
	}

	public void setPartitions(int partitions) {
		this.partitions = partitions;
	}

	public Duration getVisibilityTimeout() {
		return this.visibilityTimeout;
	}

	public void setVisibilityTimeout(Duration visibilityTimeout) {
		this.visibilityTimeout = visibilityTimeout;
	}

	public Duration getBacklogInterval() {
		return this.backlogInterval;
	}

	public void setBacklogInterval(Duration backlogInterval) {
		this.backlogInterval = backlogInterval;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Outbox getOutbox() {
		return this.outbox;
	}

	public Idempotency getIdempotency() {
		return this.idempotency;
	}

	public Kafka getKafka() {
		return this.kafka;
	}

	public Rabbitmq getRabbitmq() {
		return this.rabbitmq;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public Postgres getPostgres() {
		return this.postgres;
	}

	public static class Retry {

		/** Handler runs in all before a message is dead-lettered. */
		private int maxAttempts = 3;

		/** First backoff between attempts. */
		private Duration initialDelay = Duration.ofMillis(200);

		/** Growth of each backoff. */
		private double multiplier = 2.0;

		/** Longest backoff. */
		private Duration maxDelay = Duration.ofSeconds(5);

		public RetrySettings toSettings() {
			return new RetrySettings(this.maxAttempts, this.initialDelay, this.multiplier, this.maxDelay);
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

	}

	public static class Outbox {

		/** Whether the relay runs in this process. */
		private boolean relayEnabled = true;

		/** Longest wait between two relay passes (a commit also wakes the relay). */
		private Duration pollInterval = Duration.ofMillis(500);

		/** Rows published per relay pass. */
		private int batchSize = 500;

		/** How long sent rows are kept before they are purged. */
		private Duration retention = Duration.ofDays(1);

		/**
		 * Age of the oldest unsent row above which the outbox health is DOWN: the relay
		 * is dead or wedged, or the broker has been unreachable that long.
		 */
		private Duration maxUnsentAge = Duration.ofMinutes(1);

		public Duration getMaxUnsentAge() {
			return this.maxUnsentAge;
		}

		public void setMaxUnsentAge(Duration maxUnsentAge) {
			this.maxUnsentAge = maxUnsentAge;
		}

		public boolean isRelayEnabled() {
			return this.relayEnabled;
		}

		public void setRelayEnabled(boolean relayEnabled) {
			this.relayEnabled = relayEnabled;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

	}

	public static class Idempotency {

		/**
		 * How long the idempotent consumer remembers a handled message: a redelivery
		 * within this time has no second effect. At least the longest redelivery window:
		 * how far back a group can be rewound (Kafka topic retention, Redis
		 * mqlab.messaging.redis.retention) and how old a dead letter may be when it is
		 * replayed. Services with a dedupe store of their own derive its TTL from it. 7
		 * days: Kafka's default topic retention, how far back a rewind reaches.
		 */
		private Duration retention = Duration.ofDays(7);

		/** How often each instance deletes the records older than the retention. */
		private Duration purgeInterval = Duration.ofHours(1);

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

		public Duration getPurgeInterval() {
			return this.purgeInterval;
		}

		public void setPurgeInterval(Duration purgeInterval) {
			this.purgeInterval = purgeInterval;
		}

	}

	public static class Kafka {

		/** Replication factor of the topics the library creates. */
		private short replicationFactor = 1;

		/**
		 * How delayed messages wait: in delay topics until a forwarder moves them to
		 * their topic when due (default), or in their topic, each consumer pausing the
		 * partition until its head is due (consumer-check: holds back later messages of
		 * every key on that partition).
		 */
		private DelayMode delayMode = DelayMode.FORWARDER;

		/**
		 * Partitions of each delay topic (a topic has one per delay tier). Forwarder
		 * instances share them; more let more instances forward one topic's delayed
		 * messages, at the price of a slower first delayed publish to a topic, which
		 * creates them.
		 */
		private int delayPartitions = 1;

		/**
		 * How long a dead letter stays in its topic when it is not replayed: unset (the
		 * default) keeps it until replayed (retention.ms=-1). Set on the dead-letter
		 * topics the library creates and corrected on existing ones.
		 */
		private Duration deadLetterRetention;

		/**
		 * Dead letters a replay reads, republishes and marks replayed at a time: a replay
		 * holds at most this many in memory.
		 */
		private int deadLetterReplayChunk = 500;

		public Duration getDeadLetterRetention() {
			return this.deadLetterRetention;
		}

		public void setDeadLetterRetention(Duration deadLetterRetention) {
			this.deadLetterRetention = deadLetterRetention;
		}

		public int getDeadLetterReplayChunk() {
			return this.deadLetterReplayChunk;
		}

		public void setDeadLetterReplayChunk(int deadLetterReplayChunk) {
			this.deadLetterReplayChunk = deadLetterReplayChunk;
		}

		public short getReplicationFactor() {
			return this.replicationFactor;
		}

		public void setReplicationFactor(short replicationFactor) {
			this.replicationFactor = replicationFactor;
		}

		public int getDelayPartitions() {
			return this.delayPartitions;
		}

		public void setDelayPartitions(int delayPartitions) {
			this.delayPartitions = delayPartitions;
		}

		public DelayMode getDelayMode() {
			return this.delayMode;
		}

		public void setDelayMode(DelayMode delayMode) {
			this.delayMode = delayMode;
		}

		/** Where a delayed Kafka message waits until it is due. */
		public enum DelayMode {

			/** In delay topics, moved to the real topic by a forwarder when due. */
			FORWARDER,

			/** In the real topic; consumers pause the partition until the head is due. */
			CONSUMER_CHECK

		}

	}

	public static class Rabbitmq {

		/**
		 * Messages a consumer may hold unacknowledged, per partition queue (at least a
		 * batch listener's batch).
		 */
		private int prefetch = 50;

		/**
		 * How often a subscription restarts lost queue consumers and hands queues over to
		 * other members of its group so each member gets a fair share.
		 */
		private Duration monitorInterval = Duration.ofSeconds(1);

		/**
		 * How long stopping a subscription waits for in-flight messages before
		 * interrupting their handlers (the messages are then redelivered).
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(30);

		public int getPrefetch() {
			return this.prefetch;
		}

		public void setPrefetch(int prefetch) {
			this.prefetch = prefetch;
		}

		public Duration getMonitorInterval() {
			return this.monitorInterval;
		}

		public void setMonitorInterval(Duration monitorInterval) {
			this.monitorInterval = monitorInterval;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

	}

	public static class Redis {

		/** Prefix of every key the library writes. */
		private String keyPrefix = "mqlab";

		/** Entries read per XREADGROUP call. */
		private int batchSize = 100;

		/** How long XREADGROUP blocks waiting for new entries. */
		private Duration blockTimeout = Duration.ofSeconds(1);

		/**
		 * Longest wait between two reconnect attempts after the connection to Redis was
		 * lost (Lettuce's own default grows to 30 s).
		 */
		private Duration maxReconnectDelay = Duration.ofSeconds(2);

		/**
		 * How long stream entries stay after every group acknowledged them: a new group
		 * or a rewind can read that far back. Entries some group has not acknowledged
		 * stay whatever their age. Redis holds them in memory: about publish rate x entry
		 * size x this.
		 */
		private Duration retention = Duration.ofDays(1);

		/** How often each instance trims the streams of its topics. */
		private Duration trimInterval = Duration.ofMinutes(1);

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

		public Duration getTrimInterval() {
			return this.trimInterval;
		}

		public void setTrimInterval(Duration trimInterval) {
			this.trimInterval = trimInterval;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public Duration getBlockTimeout() {
			return this.blockTimeout;
		}

		public void setBlockTimeout(Duration blockTimeout) {
			this.blockTimeout = blockTimeout;
		}

		public Duration getMaxReconnectDelay() {
			return this.maxReconnectDelay;
		}

		public void setMaxReconnectDelay(Duration maxReconnectDelay) {
			this.maxReconnectDelay = maxReconnectDelay;
		}

	}

	public static class Postgres {

		/** Longest wait between two claims when no notification arrives. */
		private Duration pollInterval = Duration.ofSeconds(1);

		/**
		 * Rows claimed per query, and the most a subscription holds at once (at least its
		 * concurrency, and a batch listener's batch).
		 */
		private int batchSize = 50;

		/**
		 * JDBC URL of a queue database apart from the service's; when unset the queue
		 * lives in the service's DataSource.
		 */
		private String url;

		/** User of the queue database (with url). */
		private String username;

		/** Password of the queue database (with url). */
		private String password;

		/** Connections of the queue's own pool (with url). */
		private int poolSize = 10;

		/**
		 * How often a consuming process checks the queue tables for dead rows and vacuums
		 * or analyzes them (one process at a time), in case autovacuum is off or behind;
		 * 0 leaves it to autovacuum.
		 */
		private Duration vacuumInterval = Duration.ofSeconds(10);

		public Duration getVacuumInterval() {
			return this.vacuumInterval;
		}

		public void setVacuumInterval(Duration vacuumInterval) {
			this.vacuumInterval = vacuumInterval;
		}

		public String getUrl() {
			return this.url;
		}

		public void setUrl(String url) {
			this.url = url;
		}

		public String getUsername() {
			return this.username;
		}

		public void setUsername(String username) {
			this.username = username;
		}

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

		public int getPoolSize() {
			return this.poolSize;
		}

		public void setPoolSize(int poolSize) {
			this.poolSize = poolSize;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

	}

}
