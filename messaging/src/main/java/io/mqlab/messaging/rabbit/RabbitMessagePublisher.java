package io.mqlab.messaging.rabbit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.Backend;
import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.MessagePublisher;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitOperations;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Publishes persistent messages to the topic's exchange, routed by partition, and
 * completes each future on the broker's publisher confirm (the message is then on every
 * bound durable queue). Nacks, lost connections and missing confirms fail the future. A
 * delayed message goes to a delay exchange first and is confirmed once held there (see
 * {@link RabbitDelays}).
 */
final class RabbitMessagePublisher implements MessagePublisher {

	private static final Log logger = LogFactory.getLog(RabbitMessagePublisher.class);

	private static final Duration UNROUTABLE_LOG_INTERVAL = Duration.ofMinutes(1);

	private final ConcurrentMap<String, Instant> unroutableLoggedAt = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, AtomicLong> unroutableSinceLogged = new ConcurrentHashMap<>();

	private final RabbitTemplate template;

	private final RabbitTopology topology;

	private final Duration publishTimeout;

	private final RabbitDelays delays;

	private final MeterRegistry meters;

	RabbitMessagePublisher(RabbitTemplate template, RabbitTopology topology, RabbitDelays delays,
			Duration publishTimeout, MeterRegistry meters) {
		this.template = template;
		this.topology = topology;
		this.delays = delays;
		this.publishTimeout = publishTimeout;
		this.meters = meters;
		this.template.setReturnsCallback(this::unroutable);
	}

	/** Fails like a publish would on the name of the topic's exchange. */
	@Override
	public void validate(Envelope envelope) {
		this.topology.exchange(envelope.topic());
	}

	@Override
	public CompletableFuture<Void> publish(Envelope envelope) {
		try {
			this.topology.declareExchange(envelope.topic());
			return send(this.template, envelope, this.delays.route(envelope, Instant.now()))
				.orTimeout(this.publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RuntimeException ex) {
			forget(envelope.topic());
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Sends the whole list on one channel (so the broker keeps its order), then waits for
	 * all confirms together instead of one round trip per message.
	 */
	@Override
	public CompletableFuture<Void> publishAll(List<Envelope> envelopes) {
		if (envelopes.isEmpty()) {
			return CompletableFuture.completedFuture(null);
		}
		Set<String> topics = new LinkedHashSet<>();
		envelopes.forEach((envelope) -> topics.add(envelope.topic()));
		try {
			topics.forEach(this.topology::declareExchange);
			// Before the batch's channel is taken: routing may declare the delay tiers.
			Instant now = Instant.now();
			List<RabbitDelays.Route> routes = new ArrayList<>(envelopes.size());
			for (Envelope envelope : envelopes) {
				routes.add(this.delays.route(envelope, now));
			}
			List<CompletableFuture<Void>> confirms = this.template.invoke((operations) -> {
				List<CompletableFuture<Void>> futures = new ArrayList<>(envelopes.size());
				for (int i = 0; i < envelopes.size(); i++) {
					futures.add(send(operations, envelopes.get(i), routes.get(i)));
				}
				return futures;
			});
			// One timer for the batch, not one per message.
			return CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new))
				.orTimeout(this.publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RuntimeException ex) {
			topics.forEach(this::forget);
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Sends to the topic's exchange, or first to a delay exchange (with its routing
	 * headers) when {@code delay} is set.
	 */
	private CompletableFuture<Void> send(RabbitOperations operations, Envelope envelope, RabbitDelays.Route delay) {
		String topic = envelope.topic();
		Message message = RabbitEnvelopes.toMessage(envelope);
		String exchange = topic;
		if (delay != null) {
			delay.headers().forEach(message.getMessageProperties()::setHeader);
			exchange = delay.exchange();
		}
		CorrelationData correlation = new CorrelationData();
		operations.send(exchange, Integer.toString(this.topology.partition(envelope.key())), message, correlation);
		return correlation.getFuture().thenAccept((confirm) -> {
			if (!confirm.ack()) {
				forget(topic);
				throw new AmqpException("RabbitMQ did not confirm message " + envelope.id() + " for topic " + topic
						+ ": " + confirm.reason());
			}
			if (delay != null && delay.mustBeRouted() && correlation.getReturned() != null) {
				// Returned before the confirm: the returned message is already set.
				forget(topic);
				throw new AmqpException("RabbitMQ could not hold delayed message " + envelope.id() + " for topic "
						+ topic + ": delay exchange '" + delay.exchange() + "' reached no delay queue ("
						+ correlation.getReturned().getReplyText() + "); they are declared again on the next publish");
			}
		});
	}

	private void forget(String topic) {
		this.topology.forgetExchange(topic);
		this.delays.forget(topic);
	}

	/**
	 * The broker confirms a message no queue was bound for: no group subscribed or was
	 * provisioned yet. Not an error (topics may be published before anyone listens), but
	 * never silent.
	 */
	private void unroutable(ReturnedMessage returned) {
		String topic = returned.getExchange();
		if (topic.equals(RabbitDelays.PLUGIN_EXCHANGE)) {
			// The plugin routes only once due: it returns every mandatory message.
			return;
		}
		if (topic.startsWith(RabbitDelayTiers.PREFIX)) {
			// A delay tier is missing: the sender fails the publish.
			logger.warn("Delay tier '" + topic + "' reached no delay queue: " + returned.getReplyText());
			return;
		}
		if (topic.isEmpty()) {
			// Sent straight to a queue (dead letters, replays): the sender fails it.
			logger.warn("Queue '" + returned.getRoutingKey() + "' does not exist: " + returned.getReplyText());
			return;
		}
		long unlogged = this.unroutableSinceLogged.computeIfAbsent(topic, (name) -> new AtomicLong()).getAndIncrement();
		Instant now = Instant.now();
		Instant last = this.unroutableLoggedAt.get(topic);
		// a topic nobody consumes yet (metrics before monitoring-service runs) would log
		// every message
		if (last == null || Duration.between(last, now).compareTo(UNROUTABLE_LOG_INTERVAL) >= 0) {
			this.unroutableLoggedAt.put(topic, now);
			this.unroutableSinceLogged.get(topic).addAndGet(-unlogged);
			logger.warn("Message " + returned.getMessage().getMessageProperties().getMessageId() + " for topic '"
					+ topic + "' reached no queue (" + returned.getReplyText() + "): no group has subscribed to or "
					+ "provisioned the topic yet, so no group will receive it"
					+ ((unlogged > 0) ? " (" + unlogged + " more since the last such line)" : ""));
		}
		if (this.meters != null) {
			Counter.builder("mqlab.messages.unroutable")
				.description("Messages published while no group had a queue for the topic")
				.tags("backend", Backend.RABBITMQ.id(), "topic", topic)
				.register(this.meters)
				.increment();
		}
	}

}
