package io.mqlab.messaging.rabbit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.mqlab.messaging.DeadLetter;
import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.Timestamps;
import io.mqlab.messaging.MessageHeaders;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.PublisherCallbackChannel;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.amqp.rabbit.support.MessagePropertiesConverter;

/**
 * Maps an {@link Envelope} to an AMQP message and back, losslessly: id, type and content
 * type in AMQP properties, user headers as AMQP headers, and what AMQP cannot hold
 * exactly (topic, key, the timestamp with nanoseconds: AMQP's has seconds) in
 * {@code mqlab.*} headers. The body is the payload text, never parsed.
 */
final class RabbitEnvelopes {

	static final String TOPIC = "mqlab.topic";

	static final String KEY = "mqlab.key";

	static final String TIMESTAMP = "mqlab.timestamp";

	static final String GROUP = "mqlab.group";

	static final String CONTENT_TYPE = "application/json";

	/** Headers that are transport details, not envelope headers. */
	private static final Set<String> NOT_ENVELOPE_HEADERS = Set.of(TOPIC, KEY, TIMESTAMP,
			PublisherCallbackChannel.RETURNED_MESSAGE_CORRELATION_KEY,
			PublisherCallbackChannel.RETURN_LISTENER_CORRELATION_KEY);

	/**
	 * Long header values stay strings (the default turns values over 1 KiB into streams).
	 */
	static final MessagePropertiesConverter PROPERTIES = new DefaultMessagePropertiesConverter(Integer.MAX_VALUE);

	/**
	 * A mapper of our own so the dead-letter format does not follow the application's
	 * Jackson settings.
	 */
	private static final JsonMapper JSON = JsonMapper.builder().build();

	private RabbitEnvelopes() {
	}

	static Message toMessage(Envelope envelope) {
		MessageProperties properties = new MessageProperties();
		properties.setMessageId(envelope.id().toString());
		properties.setType(envelope.type());
		properties.setTimestamp(Date.from(envelope.timestamp()));
		properties.setContentType(CONTENT_TYPE);
		properties.setContentEncoding(StandardCharsets.UTF_8.name());
		properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
		envelope.headers().forEach(properties::setHeader);
		properties.setHeader(TOPIC, envelope.topic());
		if (envelope.key() != null) {
			properties.setHeader(KEY, envelope.key());
		}
		properties.setHeader(TIMESTAMP, Timestamps.format(envelope.timestamp()));
		Integer priority = priority(envelope.header(MessageHeaders.PRIORITY));
		if (priority != null) {
			properties.setPriority(priority);
		}
		return new Message(envelope.payload().getBytes(StandardCharsets.UTF_8), properties);
	}

	/**
	 * Reads an envelope back. Lenient with messages other publishers sent: a missing id
	 * is derived from the body, a missing topic is the one consumed from.
	 */
	static Envelope fromMessage(Message message, String topic) {
		MessageProperties properties = message.getMessageProperties();
		Map<String, String> headers = new HashMap<>();
		properties.getHeaders().forEach((name, value) -> {
			if (value != null && isEnvelopeHeader(name)) {
				headers.put(name, value.toString());
			}
		});
		String payload = new String(message.getBody(), StandardCharsets.UTF_8);
		Object sentTopic = properties.getHeader(TOPIC);
		Object key = properties.getHeader(KEY);
		return new Envelope(id(properties.getMessageId(), message.getBody()),
				(sentTopic != null) ? sentTopic.toString() : topic, (key != null) ? key.toString() : null,
				properties.getType(), timestamp(properties), headers, payload);
	}

	/**
	 * Not our transport headers, nor those of a delay: the tiers' bits, {@code x-delay},
	 * and what dead-lettering through the tiers adds ({@code x-death},
	 * {@code x-first-death-*}, {@code x-last-death-*}).
	 */
	private static boolean isEnvelopeHeader(String name) {
		return !NOT_ENVELOPE_HEADERS.contains(name) && !RabbitDelayTiers.isRoutingHeader(name)
				&& !name.equals("x-delay") && !name.equals("x-death") && !name.startsWith("x-first-death-")
				&& !name.startsWith("x-last-death-");
	}

	static Message toMessage(DeadLetter deadLetter) {
		MessageProperties properties = new MessageProperties();
		properties.setMessageId(deadLetter.envelope().id().toString());
		properties.setType(DeadLetter.class.getSimpleName());
		properties.setTimestamp(Date.from(deadLetter.failedAt()));
		properties.setContentType(CONTENT_TYPE);
		properties.setContentEncoding(StandardCharsets.UTF_8.name());
		properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
		properties.setHeader(TOPIC, deadLetter.envelope().topic());
		properties.setHeader(GROUP, deadLetter.group());
		return new Message(JSON.writeValueAsBytes(deadLetter), properties);
	}

	static DeadLetter deadLetter(byte[] body) {
		return JSON.readValue(body, DeadLetter.class);
	}

	private static Integer priority(String value) {
		if (value == null) {
			return null;
		}
		try {
			return Math.max(0, Math.min(RabbitTopology.MAX_PRIORITY, Integer.parseInt(value.strip())));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(
					"Header " + MessageHeaders.PRIORITY + " must be a number from 0 to 9, was '" + value + "'", ex);
		}
	}

	private static UUID id(String messageId, byte[] body) {
		if (messageId != null) {
			try {
				return UUID.fromString(messageId);
			}
			catch (IllegalArgumentException ex) {
				// not one of ours: derive a stable id from it
			}
		}
		return UUID.nameUUIDFromBytes((messageId != null) ? messageId.getBytes(StandardCharsets.UTF_8) : body);
	}

	private static Instant timestamp(MessageProperties properties) {
		Object exact = properties.getHeader(TIMESTAMP);
		if (exact != null) {
			try {
				return Timestamps.parse(exact.toString());
			}
			catch (DateTimeParseException ex) {
				// fall back to the AMQP timestamp
			}
		}
		Date seconds = properties.getTimestamp();
		return (seconds != null) ? seconds.toInstant() : Instant.now();
	}

}
