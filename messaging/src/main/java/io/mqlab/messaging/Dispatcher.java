package io.mqlab.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryListener;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryState;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;

import tools.jackson.databind.json.JsonMapper;

/**
 * The backend-independent half of consuming: reads the payload, runs the handler with
 * retries and backoff, and dead-letters what cannot be handled. Adapters call
 * {@link #dispatch} for each delivered message and acknowledge it once it returns; for a
 * batch handler ({@link #maxBatch()} above 1) they may call {@link #dispatchBatch} with
 * messages that are already in hand, each ordering unit's in order.
 */
public final class Dispatcher {

	private static final Log logger = LogFactory.getLog(Dispatcher.class);

	private static final ThreadLocal<MessageContext> CURRENT = new ThreadLocal<>();

	/**
	 * The longest a delayed message that arrived before its due time (by this JVM's
	 * clock) is held back here; beyond it, it is handled early and a warning says so.
	 */
	static final Duration MAX_HOLD = Duration.ofSeconds(5);

	private final String topic;

	private final String group;

	private final Handler<?> handler;

	private final BatchHandler<?> batchHandler;

	private final int maxBatch;

	private final RetryTemplate retryTemplate;

	private final MessagingMetrics metrics;

	<T> Dispatcher(String topic, String group, Class<T> type, MessageHandler<T> handler, RetrySettings retry,
			JsonMapper jsonMapper, MessagingMetrics metrics) {
		this(topic, group, type, handler, null, 1, retry, jsonMapper, metrics);
	}

	/**
	 * A dispatcher of batches of up to {@code maxBatch}; one at a time it hands lists of
	 * one.
	 */
	<T> Dispatcher(String topic, String group, Class<T> type, BatchMessageHandler<T> handler, int maxBatch,
			RetrySettings retry, JsonMapper jsonMapper, MessagingMetrics metrics) {
		this(topic, group, type, (payload, context) -> handler.handle(List.of(payload), List.of(context)),
				new BatchHandler<>(type, handler), maxBatch, retry, jsonMapper, metrics);
	}

	private <T> Dispatcher(String topic, String group, Class<T> type, MessageHandler<T> handler,
			BatchHandler<T> batchHandler, int maxBatch, RetrySettings retry, JsonMapper jsonMapper,
			MessagingMetrics metrics) {
		if (maxBatch < 1) {
			throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
		}
		this.topic = topic;
		this.group = group;
		this.handler = new Handler<>(type, handler, jsonMapper);
		this.batchHandler = batchHandler;
		this.maxBatch = (batchHandler != null) ? maxBatch : 1;
		this.metrics = metrics;
		this.retryTemplate = new RetryTemplate(retry.toPolicy());
		this.retryTemplate.setRetryListener(new RetryListener() {
			@Override
			public void beforeRetry(RetryPolicy policy, Retryable<?> retryable) {
				metrics.retried(topic, group);
			}
		});
	}

	/** The message being handled on this thread, if any. */
	public static Optional<MessageContext> current() {
		return Optional.ofNullable(CURRENT.get());
	}

	public String topic() {
		return this.topic;
	}

	public String group() {
		return this.group;
	}

	/**
	 * The most messages {@link #dispatchBatch} takes at once: 1 for a handler of single
	 * messages.
	 */
	public int maxBatch() {
		return this.maxBatch;
	}

	/**
	 * Handles one delivery. Returns normally when the message may be acknowledged: it was
	 * handled, skipped (a replay meant for another group) or dead-lettered.
	 * @param envelope the envelope as received
	 * @param redelivered whether the broker says it delivered it before
	 * @param deadLetters where to put it when it cannot be handled
	 * @throws InterruptedException when the consumer is stopping mid-retry: do not ack
	 * @throws Exception when the dead letter could not be written: do not ack
	 */
	public void dispatch(Envelope envelope, boolean redelivered, DeadLetterSink deadLetters) throws Exception {
		String replayGroup = envelope.header(MessageHeaders.REPLAY_GROUP);
		if (replayGroup != null && !replayGroup.equals(this.group)) {
			return;
		}
		holdUntilDue(envelope);
		Object payload;
		try {
			payload = this.handler.read(envelope);
		}
		catch (RuntimeException ex) {
			logger.warn("Dead-lettering unreadable message " + envelope.id() + " on " + this.topic + " for group "
					+ this.group + ": " + LogText.of(ex.getMessage()));
			deadLetter(deadLetters, envelope, ex, 0);
			return;
		}
		long started = System.nanoTime();
		int[] attempt = { 0 };
		try {
			this.retryTemplate.execute(() -> {
				attempt[0]++;
				CURRENT.set(new MessageContext(envelope, this.group, redelivered, attempt[0]));
				// the handler's log lines carry the message's trace and span ids
				try (TraceContext.Scope trace = TraceContext.open(envelope.header(MessageHeaders.TRACEPARENT))) {
					this.handler.handle(payload, CURRENT.get());
				}
				finally {
					CURRENT.remove();
				}
				return null;
			});
			this.metrics.consumed(this.topic, this.group, Duration.ofNanos(System.nanoTime() - started),
					envelope.timestamp(), envelope.deliverAt());
		}
		catch (RetryException ex) {
			if (Thread.currentThread().isInterrupted() || isInterruption(ex)) {
				throw new InterruptedException("Stopped while retrying message " + envelope.id());
			}
			Throwable cause = ex.getLastException();
			logger.warn("Dead-lettering message " + envelope.id() + " on " + this.topic + " for group " + this.group
					+ " after " + attempt[0] + " attempt(s): " + LogText.of(cause));
			deadLetter(deadLetters, envelope, cause, attempt[0]);
		}
	}

	/**
	 * Handles deliveries already in hand (the next messages of one or more partitions,
	 * each partition's in order, or heads of distinct keys), at most {@link #maxBatch()},
	 * with one call of the batch handler. When it throws, each delivery goes through
	 * {@link #dispatch} on its own, in order: retried, then dead-lettered alone. Returns
	 * normally when all may be acknowledged.
	 * @param deliveries the messages in hand, in order
	 * @param deadLetters where to put what cannot be handled
	 * @throws BatchDispatchException when it stopped part way (stopping, dead letter not
	 * written): it says how many, from the first, may be acknowledged
	 */
	public void dispatchBatch(List<Delivery> deliveries, DeadLetterSink deadLetters) throws BatchDispatchException {
		if (deliveries.size() > this.maxBatch) {
			throw new IllegalArgumentException(
					"A batch of " + deliveries.size() + " is over the most of " + this.maxBatch);
		}
		if (this.batchHandler != null && deliveries.size() > 1 && handledTogether(deliveries)) {
			return;
		}
		for (int i = 0; i < deliveries.size(); i++) {
			Delivery delivery = deliveries.get(i);
			try {
				dispatch(delivery.envelope(), delivery.redelivered(), deadLetters);
			}
			catch (Exception ex) {
				throw new BatchDispatchException(i, ex);
			}
		}
	}

	/**
	 * One call of the batch handler with every delivery meant for this group. Delayed or
	 * unreadable messages go one by one instead (held until due, dead-lettered alone).
	 * @return whether they were all handled
	 */
	private boolean handledTogether(List<Delivery> deliveries) throws BatchDispatchException {
		List<Object> payloads = new ArrayList<>(deliveries.size());
		List<MessageContext> contexts = new ArrayList<>(deliveries.size());
		for (Delivery delivery : deliveries) {
			Envelope envelope = delivery.envelope();
			String replayGroup = envelope.header(MessageHeaders.REPLAY_GROUP);
			if (replayGroup != null && !replayGroup.equals(this.group)) {
				continue;
			}
			if (envelope.deliverAt() != null) {
				return false;
			}
			try {
				payloads.add(this.handler.read(envelope));
			}
			catch (RuntimeException ex) {
				return false;
			}
			contexts.add(new MessageContext(envelope, this.group, delivery.redelivered(), 1));
		}
		if (payloads.isEmpty()) {
			return true;
		}
		long started = System.nanoTime();
		try {
			this.batchHandler.handle(payloads, contexts);
		}
		catch (InterruptedException ex) {
			throw new BatchDispatchException(0, ex);
		}
		catch (Exception | Error ex) {
			if (Thread.currentThread().isInterrupted()) {
				throw new BatchDispatchException(0, new InterruptedException("Stopped while handling a batch"));
			}
			logger.info("A batch of " + payloads.size() + " message(s) on " + this.topic + " for group " + this.group
					+ " failed, handling them one by one: " + LogText.of(ex));
			return false;
		}
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		for (MessageContext context : contexts) {
			this.metrics.consumed(this.topic, this.group, took, context.envelope().timestamp(), null);
		}
		return true;
	}

	/**
	 * A broker holds a delayed message by its own clock (RabbitMQ's queue TTLs, Erlang's
	 * time correction), which can run a few milliseconds ahead of this JVM's over a long
	 * delay: waiting out the difference keeps the promise that a message is never handled
	 * before it is due.
	 */
	private void holdUntilDue(Envelope envelope) throws InterruptedException {
		Instant due = envelope.deliverAt();
		if (due == null) {
			return;
		}
		Duration early = Duration.between(Instant.now(), due);
		if (early.compareTo(MAX_HOLD) > 0) {
			logger.warn("Message " + envelope.id() + " on " + this.topic + " arrived " + early.toMillis()
					+ " ms before it is due (clocks apart?); holding it " + MAX_HOLD.toMillis() + " ms only");
		}
		long deadline = System.nanoTime() + Math.min(early.toNanos(), MAX_HOLD.toNanos());
		for (long left = deadline - System.nanoTime(); left > 0
				&& due.isAfter(Instant.now()); left = deadline - System.nanoTime()) {
			TimeUnit.NANOSECONDS.sleep(left);
		}
	}

	private static boolean isInterruption(RetryState state) {
		return state.getExceptions().stream().anyMatch(InterruptedException.class::isInstance)
				|| (state instanceof RetryException ex && ex.getCause() instanceof InterruptedException);
	}

	private void deadLetter(DeadLetterSink sink, Envelope envelope, Throwable cause, int attempts) throws Exception {
		sink.deadLetter(new DeadLetter(envelope, this.group, cause.getClass().getName(),
				String.valueOf(cause.getMessage()), attempts, Instant.now()));
		this.metrics.deadLettered(this.topic, this.group);
	}

	private record Handler<T>(Class<T> type, MessageHandler<T> delegate, JsonMapper jsonMapper) {

		T read(Envelope envelope) {
			T value = this.jsonMapper.readValue(envelope.payload(), this.type);
			if (value == null) {
				throw new IllegalArgumentException("Payload is JSON null");
			}
			return value;
		}

		@SuppressWarnings("unchecked")
		void handle(Object payload, MessageContext context) throws Exception {
			this.delegate.handle((T) payload, context);
		}

	}

	/**
	 * A message in hand for {@link #dispatchBatch}.
	 *
	 * @param envelope the envelope as received
	 * @param redelivered whether the broker says it delivered it before
	 */
	public record Delivery(Envelope envelope, boolean redelivered) {

	}

	private record BatchHandler<T>(Class<T> type, BatchMessageHandler<T> delegate) {

		@SuppressWarnings("unchecked")
		void handle(List<Object> payloads, List<MessageContext> contexts) throws Exception {
			this.delegate.handle((List<T>) payloads, List.copyOf(contexts));
		}

	}

}
