package io.mqlab.messaging;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What a caller publishes: a topic, an ordering key, a payload object serialized as JSON,
 * and optional headers and priority.
 *
 * @param id the id to give the envelope ({@code null}: a random one)
 * @param topic the destination
 * @param key the ordering key, or {@code null}
 * @param payload any Jackson-serializable object, typically a past-tense record
 * @param headers extra headers
 * @param priority 0-9, or {@code null}; needs {@link Capability#PRIORITY}
 * @param deliverAt when groups may handle it, or {@code null} for now; needs
 * {@link Capability#DELAYED_DELIVERY}
 */
public record OutgoingMessage(UUID id, String topic, String key, Object payload, Map<String, String> headers,
		Integer priority, Instant deliverAt) {

	public OutgoingMessage {
		Objects.requireNonNull(topic, "topic");
		Objects.requireNonNull(payload, "payload");
		headers = (headers != null) ? Map.copyOf(headers) : Map.of();
	}

	public static OutgoingMessage of(String topic, String key, Object payload) {
		return new OutgoingMessage(null, topic, key, payload, Map.of(), null, null);
	}

	public OutgoingMessage withHeader(String name, String value) {
		Map<String, String> copy = new LinkedHashMap<>(this.headers);
		copy.put(name, value);
		return new OutgoingMessage(this.id, this.topic, this.key, this.payload, copy, this.priority, this.deliverAt);
	}

	public OutgoingMessage withPriority(int priority) {
		return new OutgoingMessage(this.id, this.topic, this.key, this.payload, this.headers, priority, this.deliverAt);
	}

	public OutgoingMessage withId(UUID id) {
		return new OutgoingMessage(id, this.topic, this.key, this.payload, this.headers, this.priority, this.deliverAt);
	}

	/** Delivered once the delay, counted from now, has passed. */
	public OutgoingMessage withDelay(Delay delay) {
		return deliverAt(delay.from(Instant.now()));
	}

	/** Delivered at (not before) the given time; a time in the past means now. */
	public OutgoingMessage deliverAt(Instant at) {
		return new OutgoingMessage(this.id, this.topic, this.key, this.payload, this.headers, this.priority,
				Delay.checkDueTime(at, Instant.now()));
	}

}
