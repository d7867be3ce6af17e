package io.mqlab.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import tools.jackson.databind.json.JsonMapper;

/**
 * What services use to publish and consume, whatever the backend: builds envelopes (ids,
 * correlation, causation, trace context, size limit), checks capabilities, waits for
 * durable publishes, and wires handlers to the backend's consumer with retries and dead
 * letters.
 */
public class Messaging {

	private static final HexFormat HEX = HexFormat.of();

	private final Capabilities capabilities;

	private final MessagePublisher publisher;

	private final MessageSubscriber subscriber;

	private final DeadLetters deadLetters;

	private final JsonMapper jsonMapper;

	private final MessagingMetrics metrics;

	private final Settings settings;

	public Messaging(Capabilities capabilities, MessagePublisher publisher, MessageSubscriber subscriber,
			DeadLetters deadLetters, JsonMapper jsonMapper, MessagingMetrics metrics, Settings settings) {
		this.capabilities = capabilities;
		this.publisher = publisher;
		this.subscriber = subscriber;
		this.deadLetters = deadLetters;
		this.jsonMapper = jsonMapper;
		this.metrics = metrics;
		this.settings = settings;
	}

	public Backend backend() {
		return this.capabilities.backend();
	}

	public Capabilities capabilities() {
		return this.capabilities;
	}

	public DeadLetters deadLetters() {
		return this.deadLetters;
	}

	public MessagingMetrics metrics() {
		return this.metrics;
	}

	/** The defaults applied to every message and subscription. */
	public Settings settings() {
		return this.settings;
	}

	/** Publishes and waits until the broker holds the message durably. */
	public PublishReceipt publish(String topic, String key, Object payload) {
		return publish(OutgoingMessage.of(topic, key, payload));
	}

	/**
	 * Publishes a message that no group handles before the delay has passed, and waits
	 * until the broker holds it durably.
	 * @throws UnsupportedCapabilityException when the backend cannot delay
	 */
	public PublishReceipt publish(String topic, String key, Object payload, Delay delay) {
		return publish(OutgoingMessage.of(topic, key, payload).withDelay(delay));
	}

	/**
	 * Publishes a message that no group handles before {@code at} (at most
	 * {@link Delay#MAX} ahead; a time in the past means now).
	 * @throws UnsupportedCapabilityException when the backend cannot delay
	 */
	public PublishReceipt deliverAt(String topic, String key, Object payload, Instant at) {
		return publish(OutgoingMessage.of(topic, key, payload).deliverAt(at));
	}

	/** Publishes and waits until the broker holds the message durably. */
	public PublishReceipt publish(OutgoingMessage message) {
		Envelope envelope = envelope(message);
		await(publishEnvelope(envelope), envelope.topic());
		return PublishReceipt.of(envelope);
	}

	/** Publishes without waiting; the future completes once the broker holds it. */
	public CompletableFuture<PublishReceipt> publishAsync(OutgoingMessage message) {
		Envelope envelope = envelope(message);
		return publishEnvelope(envelope).thenApply((ignored) -> PublishReceipt.of(envelope));
	}

	/** Publishes a batch (the backend may pipeline it) and waits for all of it. */
	public List<PublishReceipt> publishAll(List<OutgoingMessage> messages) {
		List<Envelope> envelopes = messages.stream().map(this::envelope).toList();
		if (envelopes.isEmpty()) {
			return List.of();
		}
		await(publishAllEnvelopes(envelopes), envelopes.get(0).topic());
		return envelopes.stream().map(PublishReceipt::of).toList();
	}

	/** Publishes envelopes built earlier (by the outbox), keeping their ids. */
	public CompletableFuture<Void> publishAllEnvelopes(List<Envelope> envelopes) {
		return this.publisher.publishAll(envelopes).whenComplete((ignored, failure) -> {
			for (Envelope envelope : envelopes) {
				count(envelope, failure);
			}
		});
	}

	/** Publishes an envelope built earlier, keeping its id. */
	public CompletableFuture<Void> publishEnvelope(Envelope envelope) {
		return this.publisher.publish(envelope).whenComplete((ignored, failure) -> count(envelope, failure));
	}

	private void count(Envelope envelope, Throwable failure) {
		if (failure == null) {
			this.metrics.published(envelope.topic());
		}
		else {
			this.metrics.publishFailed(envelope.topic());
		}
	}

	/**
	 * Turns an outgoing message into an envelope: assigns id and timestamp, serializes
	 * the payload, enforces the size limit and carries correlation, causation and trace
	 * context over from the message being handled on this thread.
	 */
	public Envelope envelope(OutgoingMessage message) {
		Names.topic(message.topic());
		if (message.priority() != null) {
			this.capabilities.require(Capability.PRIORITY);
		}
		if (message.deliverAt() != null) {
			this.capabilities.require(Capability.DELAYED_DELIVERY);
		}
		String json = this.jsonMapper.writeValueAsString(message.payload());
		int bytes = json.getBytes(StandardCharsets.UTF_8).length;
		if (bytes > this.settings.maxPayloadBytes()) {
			throw new PayloadTooLargeException(message.topic(), bytes, this.settings.maxPayloadBytes());
		}
		UUID id = (message.id() != null) ? message.id() : UUID.randomUUID();
		Map<String, String> headers = new HashMap<>(message.headers());
		MessageContext parent = Dispatcher.current().orElse(null);
		if (parent != null) {
			headers.putIfAbsent(MessageHeaders.CAUSATION_ID, parent.envelope().id().toString());
			String correlation = parent.envelope().header(MessageHeaders.CORRELATION_ID);
			headers.putIfAbsent(MessageHeaders.CORRELATION_ID,
					(correlation != null) ? correlation : parent.envelope().id().toString());
		}
		headers.putIfAbsent(MessageHeaders.CORRELATION_ID, id.toString());
		// the trace of the message being handled, else of the work on this thread (a
		// request)
		headers.putIfAbsent(MessageHeaders.TRACEPARENT, traceparent(
				(parent != null) ? parent.envelope().header(MessageHeaders.TRACEPARENT) : TraceContext.current()));
		if (message.priority() != null) {
			headers.put(MessageHeaders.PRIORITY, Integer.toString(message.priority()));
		}
		Instant now = Instant.now();
		// A due time already past means now: the message is then an immediate one.
		if (message.deliverAt() != null && message.deliverAt().isAfter(now)) {
			headers.put(MessageHeaders.DELIVER_AT, Long.toString(message.deliverAt().toEpochMilli()));
		}
		Envelope envelope = new Envelope(id, message.topic(), message.key(),
				message.payload().getClass().getSimpleName(), now, headers, json);
		validate(envelope);
		return envelope;
	}

	/**
	 * Checks what the backend's publisher would reject whatever the retries (names,
	 * reserved headers, the size as the broker counts it), so the caller gets the error
	 * and the outbox never stores a message that cannot be sent.
	 * @throws IllegalArgumentException when the backend would reject it
	 */
	public void validate(Envelope envelope) {
		Names.topic(envelope.topic());
		this.publisher.validate(envelope);
	}

	/** A W3C traceparent in the parent's trace, or a new trace. */
	static String traceparent(String parent) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		String traceId = (parent != null && parent.length() == 55) ? parent.substring(3, 35)
				: hex(random.nextLong()) + hex(random.nextLong());
		return "00-" + traceId + "-" + hex(random.nextLong()) + "-01";
	}

	private static String hex(long value) {
		return HEX.toHexDigits(value);
	}

	/** Subscribes with the default concurrency and retry settings. */
	public <T> Subscription subscribe(String topic, String group, Class<T> type, MessageHandler<T> handler) {
		return subscribe(new SubscriptionSpec(topic, group, this.settings.concurrency()), type, this.settings.retry(),
				handler);
	}

	/** Subscribes with the default retry settings. */
	public <T> Subscription subscribe(SubscriptionSpec spec, Class<T> type, MessageHandler<T> handler) {
		return subscribe(spec, type, this.settings.retry(), handler);
	}

	/** Subscribes a handler to a topic in a group. */
	public <T> Subscription subscribe(SubscriptionSpec spec, Class<T> type, RetrySettings retry,
			MessageHandler<T> handler) {
		Names.topic(spec.topic());
		Names.group(spec.group());
		return subscribe(spec,
				new Dispatcher(spec.topic(), spec.group(), type, handler, retry, this.jsonMapper, this.metrics));
	}

	/**
	 * Subscribes a handler of batches: up to {@code maxBatch} messages already in hand,
	 * of one or more partitions (each partition's in order) or of distinct keys, at once.
	 * A backend that does not declare {@link Capability#BATCHES} hands batches of one.
	 */
	public <T> Subscription subscribeBatch(SubscriptionSpec spec, int maxBatch, Class<T> type, RetrySettings retry,
			BatchMessageHandler<T> handler) {
		Names.topic(spec.topic());
		Names.group(spec.group());
		return subscribe(spec, new Dispatcher(spec.topic(), spec.group(), type, handler, maxBatch, retry,
				this.jsonMapper, this.metrics));
	}

	private Subscription subscribe(SubscriptionSpec spec, Dispatcher dispatcher) {
		Subscription subscription = this.subscriber.subscribe(spec, dispatcher);
		if (this.subscriber instanceof BacklogProbe probe && this.capabilities.supports(Capability.BACKLOG)) {
			Runnable unmeasure = this.metrics.backlog(spec.topic(), spec.group(), probe);
			return new MeasuredSubscription(subscription, unmeasure);
		}
		return subscription;
	}

	/**
	 * Creates the topic and the group, so messages are kept for it before it consumes.
	 */
	public void provision(String topic, String group) {
		Names.topic(topic);
		Names.group(group);
		this.subscriber.provision(topic, group);
	}

	/**
	 * Moves a stopped group back so it handles again every message published since
	 * {@code from}.
	 * @throws UnsupportedCapabilityException when the backend cannot replay
	 */
	public void rewind(String topic, String group, Instant from) {
		this.capabilities.require(Capability.REPLAY);
		Names.topic(topic);
		Names.group(group);
		this.subscriber.rewind(topic, group, from);
	}

	private void await(CompletableFuture<?> future, String topic) {
		try {
			future.get(this.settings.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PublishFailedException("Interrupted while publishing to " + topic, ex);
		}
		catch (ExecutionException ex) {
			throw new PublishFailedException(
					"The " + backend().id() + " broker did not accept a message for " + topic + ": " + ex.getCause(),
					ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new PublishFailedException("The " + backend().id() + " broker did not confirm a message for " + topic
					+ " within " + this.settings.publishTimeout(), ex);
		}
	}

	/** A subscription whose backlog gauge goes away when it stops. */
	private record MeasuredSubscription(Subscription delegate, Runnable unmeasure) implements Subscription {

		@Override
		public String topic() {
			return this.delegate.topic();
		}

		@Override
		public String group() {
			return this.delegate.group();
		}

		@Override
		public boolean isRunning() {
			return this.delegate.isRunning();
		}

		@Override
		public void stop() {
			this.delegate.stop();
			this.unmeasure.run();
		}

	}

	/**
	 * Settings the facade applies to every message and subscription.
	 *
	 * @param maxPayloadBytes the largest payload accepted
	 * @param publishTimeout how long a synchronous publish waits for the broker
	 * @param concurrency default handlers per subscription
	 * @param retry default retries
	 */
	public record Settings(int maxPayloadBytes, Duration publishTimeout, int concurrency, RetrySettings retry) {

	}

}
