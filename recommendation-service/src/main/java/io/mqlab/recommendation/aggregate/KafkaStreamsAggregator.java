package io.mqlab.recommendation.aggregate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.Backend;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.RetrySettings;
import io.mqlab.messaging.autoconfigure.MessagingProperties;
import io.mqlab.recommendation.RecommendationSettings;
import io.mqlab.recommendation.click.Clicked;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.util.FileSystemUtils;

/**
 * The alternative engine where Kafka is the backend: a Kafka Streams topology reads the
 * same topics (the messaging library writes the payload as the record value) and keeps
 * each session's products in a local state store backed by a changelog topic, instead of
 * in Redis. Everything else is the same: {@link Scoring} decides, the
 * {@link AggregateWriter} applies to the same Redis aggregates once per event id, so a
 * replay after a crash or rebalance counts nothing twice. The application id is the
 * service's group; records are processed per partition in order, so one user's clicks
 * never race. A record that cannot be read goes to the library's dead-letter topic
 * ({@code <topic>.<group>.dlt}), and so does one that cannot be applied (retried first,
 * like the messaging engine does); while Redis is unreachable, a record is retried in
 * place with a growing backoff (see {@link #apply}), never dead-lettered nor spun on.
 */
@Component
@ConditionalOnProperty(name = "mqlab.recommendation.engine", havingValue = "kafka-streams")
class KafkaStreamsAggregator implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(KafkaStreamsAggregator.class);

	static final String SESSIONS = "sessions";

	/** The longest backoff between attempts while the store is unreachable. */
	static final long MAX_BACKOFF_MILLIS = 5000;

	/**
	 * How long one stream thread retries a record in place (below max.poll.interval.ms).
	 */
	static final Duration MAX_IN_PLACE = Duration.ofMinutes(2);

	private final Messaging messaging;

	private final ObjectProvider<KafkaConnectionDetails> connection;

	private final MessagingProperties messagingProperties;

	private final RecommendationSettings settings;

	private final AggregateWriter writer;

	private final Clock clock;

	private final MeterRegistry meters;

	private final JsonMapper json;

	private final RetrySettings retry;

	private KafkaStreams streams;

	private Path stateDir;

	private volatile boolean stopping;

	KafkaStreamsAggregator(Messaging messaging, ObjectProvider<KafkaConnectionDetails> connection,
			MessagingProperties messagingProperties, RecommendationSettings settings, AggregateWriter writer,
			Clock clock, MeterRegistry meters, JsonMapper json) {
		if (messaging.backend() != Backend.KAFKA) {
			throw new IllegalStateException(
					"mqlab.recommendation.engine=kafka-streams needs the kafka backend, not " + messaging.backend().id()
							+ ": set mqlab.recommendation.engine=messaging or use the kafka profile");
		}
		this.messaging = messaging;
		this.connection = connection;
		this.messagingProperties = messagingProperties;
		this.settings = settings;
		this.writer = writer;
		this.clock = clock;
		this.meters = meters;
		this.retry = messagingProperties.getRetry().toSettings();
		// events are read tolerantly, as the messaging library reads them
		this.json = json.rebuild().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
	}

	Topology topology() {
		Topology topology = new Topology();
		topology.addSource("clicks", Serdes.String().deserializer(), Serdes.String().deserializer(),
				this.settings.clicksTopic());
		topology.addProcessor("aggregate-clicks", ClickProcessor::new, "clicks");
		topology.addStateStore(
				Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SESSIONS), Serdes.String(), Serdes.String()),
				"aggregate-clicks");
		topology.addSink("click-dead-letters", deadLetterTopic(this.settings.clicksTopic()),
				Serdes.String().serializer(), Serdes.String().serializer(), "aggregate-clicks");
		topology.addSource("orders", Serdes.String().deserializer(), Serdes.String().deserializer(),
				this.settings.ordersTopic());
		topology.addProcessor("aggregate-orders", OrderProcessor::new, "orders");
		topology.addSink("order-dead-letters", deadLetterTopic(this.settings.ordersTopic()),
				Serdes.String().serializer(), Serdes.String().serializer(), "aggregate-orders");
		return topology;
	}

	private Properties properties() {
		Properties properties = new Properties();
		properties.put(StreamsConfig.APPLICATION_ID_CONFIG, this.settings.group());
		properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
				String.join(",", this.connection.getObject().getStreams().getBootstrapServers()));
		properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Math.max(1, this.settings.concurrency()));
		properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
		properties.put(StreamsConfig.REPLICATION_FACTOR_CONFIG,
				(int) this.messagingProperties.getKafka().getReplicationFactor());
		// local state is a cache of the changelog: each instance has its own, gone on
		// stop
		properties.put(StreamsConfig.STATE_DIR_CONFIG, this.stateDir.toString());
		return properties;
	}

	private String deadLetterTopic(String topic) {
		return topic + "." + this.settings.group() + ".dlt";
	}

	@Override
	public synchronized void start() {
		// the source topics and their dead-letter topics, as the library creates them
		this.messaging.provision(this.settings.clicksTopic(), this.settings.group());
		this.messaging.provision(this.settings.ordersTopic(), this.settings.group());
		try {
			this.stateDir = Files.createTempDirectory("mqlab-streams-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create a Kafka Streams state directory", ex);
		}
		this.stopping = false;
		this.streams = new KafkaStreams(topology(), properties());
		this.streams.setUncaughtExceptionHandler((ex) -> {
			if (this.stopping) {
				return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
			}
			logger.error("Kafka Streams thread failed; replacing it, its records are processed again", ex);
			return StreamThreadExceptionResponse.REPLACE_THREAD;
		});
		this.streams.start();
	}

	@Override
	public synchronized void stop() {
		// ends a backoff in progress
		this.stopping = true;
		if (this.streams != null) {
			this.streams.close(Duration.ofSeconds(30));
			this.streams.cleanUp();
			this.streams = null;
			FileSystemUtils.deleteRecursively(this.stateDir.toFile());
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.streams != null;
	}

	/** Stops before the export closes its files. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 100;
	}

	/**
	 * Applies a record to the aggregates as the messaging engine's dispatcher would: a
	 * failure that says nothing about the record (Redis unreachable or timing out) is
	 * retried in place with a growing backoff, capped at {@value #MAX_BACKOFF_MILLIS} ms,
	 * and never dead-letters the record; after {@link #MAX_IN_PLACE} of it the stream
	 * thread is given up (replaced, the record processed again, backing off again), so it
	 * never outstays the consumer's poll interval. Any other failure (the record itself
	 * cannot be applied, e.g. a date out of range) is retried
	 * {@code mqlab.messaging.retry.max-attempts} times with the messaging library's
	 * backoff, then dead-lettered, and the partition goes on.
	 * @return whether it was applied ({@code false}: dead-lettered)
	 */
	private boolean apply(Runnable write, ProcessorContext<String, String> context, Record<String, String> record,
			String topic, String sink) {
		long started = System.nanoTime();
		long backoff = this.retry.initialDelay().toMillis();
		int failures = 0;
		while (true) {
			try {
				write.run();
				return true;
			}
			catch (RuntimeException ex) {
				boolean transientFailure = isTransient(ex);
				failures++;
				if (!transientFailure && failures >= this.retry.maxAttempts()) {
					deadLetter(context, record, topic, sink, ex);
					return false;
				}
				if (this.stopping || (transientFailure && System.nanoTime() - started > MAX_IN_PLACE.toNanos())) {
					throw ex;
				}
				if (failures == 1) {
					logger.warn("Could not apply a record from " + topic + " ("
							+ (transientFailure ? "transient, retried until it works" : "retried, then dead-lettered")
							+ "): " + ex);
				}
				Counter.builder("recommendation.events.retried")
					.description("Attempts to apply an event again after a failure, by engine and kind of failure")
					.tag("engine", "kafka-streams")
					.tag("failure", transientFailure ? "transient" : "permanent")
					.register(this.meters)
					.increment();
				pause(backoff);
				long cap = transientFailure ? Math.max(MAX_BACKOFF_MILLIS, this.retry.maxDelay().toMillis())
						: this.retry.maxDelay().toMillis();
				backoff = Math.min(cap, (long) (backoff * this.retry.multiplier()));
			}
		}
	}

	private void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while backing off", ex);
		}
	}

	/**
	 * Whether a failure is the store's, not the record's: the same record may work later.
	 */
	static boolean isTransient(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof TransientDataAccessException || cause instanceof DataAccessResourceFailureException
					|| cause instanceof RedisConnectionException || cause instanceof RedisCommandTimeoutException
					|| cause instanceof IOException || cause instanceof TimeoutException) {
				return true;
			}
		}
		return false;
	}

	private void deadLetter(ProcessorContext<String, String> context, Record<String, String> record, String topic,
			String sink, RuntimeException ex) {
		logger.warn("Dead-lettering a record from " + topic + " to " + sink + ": " + ex);
		// the dead-letter headers of the messaging library, so Messaging.deadLetters()
		// reads it
		RecordHeaders headers = new RecordHeaders(record.headers().toArray());
		headers.add("mqlab.topic", topic.getBytes(StandardCharsets.UTF_8));
		headers.add("mqlab.dlt.attempts", "1".getBytes(StandardCharsets.UTF_8));
		headers.add("mqlab.dlt.failed-at", Instant.now().toString().getBytes(StandardCharsets.UTF_8));
		headers.add("mqlab.dlt.group", this.settings.group().getBytes(StandardCharsets.UTF_8));
		headers.add("mqlab.dlt.error-class", ex.getClass().getName().getBytes(StandardCharsets.UTF_8));
		headers.add("mqlab.dlt.error-message", String.valueOf(ex.getMessage()).getBytes(StandardCharsets.UTF_8));
		context.forward(record.withHeaders(headers), sink);
		Counter.builder("recommendation.events.dead.lettered").tag("sink", sink).register(this.meters).increment();
	}

	/** Clicks: the session from the state store, then the shared writer. */
	private final class ClickProcessor implements Processor<String, String, String, String> {

		private ProcessorContext<String, String> context;

		private KeyValueStore<String, String> sessions;

		@Override
		public void init(ProcessorContext<String, String> context) {
			this.context = context;
			this.sessions = context.getStateStore(SESSIONS);
			context.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, (time) -> forgetEnded());
		}

		@Override
		public void process(Record<String, String> record) {
			Clicked click;
			try {
				click = KafkaStreamsAggregator.this.json.readValue(record.value(), Clicked.class);
				AggregateWriter.requireValid(click);
			}
			catch (RuntimeException ex) {
				deadLetter(this.context, record, KafkaStreamsAggregator.this.settings.clicksTopic(),
						"click-dead-letters", ex);
				return;
			}
			Instant now = KafkaStreamsAggregator.this.clock.instant();
			// user ids hold no '|'
			String key = click.userId() + "|" + ((click.sessionId() != null) ? click.sessionId() : "-");
			SessionState session = SessionState.parse(this.sessions.get(key))
				.activeAt(now, KafkaStreamsAggregator.this.settings.sessionGap());
			if (!apply(
					() -> KafkaStreamsAggregator.this.writer.click(click, session.skus(),
							Instant.ofEpochMilli(record.timestamp()), false),
					this.context, record, KafkaStreamsAggregator.this.settings.clicksTopic(), "click-dead-letters")) {
				return;
			}
			this.sessions.put(key, session.with(click.sku(), now).format());
		}

		private void forgetEnded() {
			Instant now = KafkaStreamsAggregator.this.clock.instant();
			List<String> ended = new ArrayList<>();
			try (KeyValueIterator<String, String> all = this.sessions.all()) {
				while (all.hasNext()) {
					KeyValue<String, String> entry = all.next();
					if (SessionState.parse(entry.value)
						.activeAt(now, KafkaStreamsAggregator.this.settings.sessionGap())
						.skus()
						.isEmpty()) {
						ended.add(entry.key);
					}
				}
			}
			ended.forEach(this.sessions::delete);
		}

	}

	/** Orders: straight to the shared writer. */
	private final class OrderProcessor implements Processor<String, String, String, String> {

		private ProcessorContext<String, String> context;

		@Override
		public void init(ProcessorContext<String, String> context) {
			this.context = context;
		}

		@Override
		public void process(Record<String, String> record) {
			OrderPlaced order;
			try {
				order = KafkaStreamsAggregator.this.json.readValue(record.value(), OrderPlaced.class);
				AggregateWriter.requireValid(order);
			}
			catch (RuntimeException ex) {
				deadLetter(this.context, record, KafkaStreamsAggregator.this.settings.ordersTopic(),
						"order-dead-letters", ex);
				return;
			}
			apply(() -> KafkaStreamsAggregator.this.writer.order(order), this.context, record,
					KafkaStreamsAggregator.this.settings.ordersTopic(), "order-dead-letters");
		}

	}

}
