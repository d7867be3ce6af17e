package io.mqlab.messaging.rabbit;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import io.mqlab.messaging.Envelope;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Holds a delayed message (header {@code mqlab-deliver-at}) on the broker until it is
 * due, then routes it to its topic's exchange with its normal partition routing key, so
 * every group's partition queue gets it as if it had just been published.
 * <p>
 * With the delayed-message-exchange plugin (detected once, on a throwaway connection, by
 * declaring an {@code x-delayed-message} exchange) the message goes through
 * {@value #PLUGIN_EXCHANGE} with an {@code x-delay} header. Without it (RabbitMQ 3.10
 * here) it goes through the TTL and at-least-once dead-letter tiers (quorum queues) of
 * {@link RabbitDelayTiers}. Both end in a headers exchange bound to each topic's exchange
 * on header {@code mqlab.topic}.
 * <p>
 * The publish completes on the broker's confirm, once the persistent message is in a
 * quorum delay queue (or the plugin's store). Pending messages live on the broker only:
 * they survive a restart of any service (nothing in the application holds them), and of
 * the broker, also a crash in the middle of a hop (quorum queues, at-least-once
 * dead-lettering; one that fell due while the broker was down goes on at start, late by
 * the downtime).
 * <p>
 * Ordering: delayed messages are not ordered relative to immediate ones, nor to each
 * other except by due time (two of one key due within one tier unit may swap); once due,
 * a message joins its key's partition queue behind whatever is there. Duplicates: as for
 * immediate messages, a publish that failed late (no confirm in time) may still be held
 * and its retry delivered too, under the same id; a broker crash mid-hop may deliver one
 * twice too. A message due while no group has a queue for its topic stays in the last
 * tier and is retried by the broker (with the tiers; the plugin drops it).
 */
final class RabbitDelays {

	static final String PLUGIN_EXCHANGE = "mqlab.delayed";

	private static final Log logger = LogFactory.getLog(RabbitDelays.class);

	private final RabbitTemplate template;

	private final Supplier<CachingConnectionFactory> probeConnections;

	private final Set<String> boundTopics = ConcurrentHashMap.newKeySet();

	/** {@code null} until detected and declared. */
	private volatile Boolean plugin;

	/**
	 * @param template declares over the shared connection
	 * @param probeConnections a new connection factory for the plugin detection, which
	 * fails with a connection error where the plugin is absent
	 */
	RabbitDelays(RabbitTemplate template, Supplier<CachingConnectionFactory> probeConnections) {
		this.template = template;
		this.probeConnections = probeConnections;
	}

	/**
	 * Where to send a message, or {@code null} when it is not delayed or already due.
	 * Declares what it needs first.
	 */
	Route route(Envelope envelope, Instant now) {
		Instant due = envelope.deliverAt();
		if (due == null || !due.isAfter(now)) {
			return null;
		}
		// Rounded up (and again by the tiers): late by a little, never early.
		Duration wait = Duration.between(now, due);
		long millis = wait.toMillis() + ((wait.toNanosPart() % 1_000_000 != 0) ? 1 : 0);
		String topic = envelope.topic();
		if (usesPlugin()) {
			bind(topic, PLUGIN_EXCHANGE);
			return new Route(PLUGIN_EXCHANGE, Map.of("x-delay", millis));
		}
		bind(topic, RabbitDelayTiers.DUE);
		return new Route(RabbitDelayTiers.entry(millis), RabbitDelayTiers.headers(millis));
	}

	/** Declares everything again on the next delayed publish (after a failure). */
	void forget(String topic) {
		this.boundTopics.remove(topic);
		this.plugin = null;
	}

	private boolean usesPlugin() {
		Boolean known = this.plugin;
		if (known == null) {
			synchronized (this) {
				known = this.plugin;
				if (known == null) {
					known = detectPlugin();
					if (!known) {
						this.template.execute((channel) -> {
							RabbitDelayTiers.declare(channel);
							return null;
						});
						retireClassicTiers();
					}
					this.plugin = known;
				}
			}
		}
		return known;
	}

	/**
	 * Moves what an earlier version's classic tiers hold into the quorum tiers. Never
	 * fails the publish: the classic tiers still deliver meanwhile.
	 */
	private void retireClassicTiers() {
		try {
			int left = RabbitDelayTiers.retireClassicTiers(this::attempt);
			if (left > 0) {
				logger.info(left + " classic delay queue(s) of an earlier version (" + RabbitDelayTiers.CLASSIC_TIERS
						+ "<ttl>ms) still hold messages, which go on into the quorum tiers; each is deleted once empty");
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Could not retire the classic delay queues of an earlier version: " + ex);
		}
	}

	private boolean attempt(RabbitDelayTiers.Operation operation) {
		try {
			this.template.execute((channel) -> {
				operation.run(channel);
				return null;
			});
			return true;
		}
		catch (AmqpException ex) {
			return false;
		}
	}

	/** Due messages of the topic go on to the topic's exchange. */
	private void bind(String topic, String source) {
		if (!this.boundTopics.contains(topic)) {
			this.template.execute((channel) -> channel.exchangeBind(topic, source, "",
					Map.of("x-match", "all", RabbitEnvelopes.TOPIC, topic)));
			this.boundTopics.add(topic);
		}
	}

	private boolean detectPlugin() {
		CachingConnectionFactory factory = this.probeConnections.get();
		try (Connection connection = factory.createConnection()) {
			// The client's own channel: the broker closes the whole connection anyway.
			Channel channel = connection.getDelegate().createChannel();
			channel.exchangeDeclare(PLUGIN_EXCHANGE, "x-delayed-message", true, false,
					Map.of("x-delayed-type", "headers"));
			logger.info("Delaying messages with RabbitMQ's delayed-message-exchange plugin (exchange " + PLUGIN_EXCHANGE
					+ ")");
			return true;
		}
		catch (IOException ex) {
			if (isUnknownExchangeType(ex)) {
				logger.info("RabbitMQ has no delayed-message-exchange plugin: delaying messages in "
						+ RabbitDelayTiers.LEVELS + " levels of TTL and dead-letter queues ("
						+ RabbitDelayTiers.queue(0, 1) + " to "
						+ RabbitDelayTiers.queue(RabbitDelayTiers.LEVELS - 1, RabbitDelayTiers.BASE - 1) + ")");
				return false;
			}
			throw new AmqpIOException(ex);
		}
		finally {
			factory.destroy();
		}
	}

	/** The broker closes the connection with 503 on an exchange type it does not know. */
	private static boolean isUnknownExchangeType(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof ShutdownSignalException signal && signal.getReason() != null
					&& String.valueOf(signal.getReason()).contains("unknown exchange type")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Where a delayed message goes first.
	 *
	 * @param exchange the exchange to publish to (with the message's partition as routing
	 * key)
	 * @param headers AMQP headers the delay needs (they never reach the envelope)
	 */
	record Route(String exchange, Map<String, Object> headers) {

		/**
		 * Whether a returned (unroutable) message is an error: a tier is missing. The
		 * plugin returns every mandatory message, as it routes only once due.
		 */
		boolean mustBeRouted() {
			return !PLUGIN_EXCHANGE.equals(this.exchange);
		}

	}

}
