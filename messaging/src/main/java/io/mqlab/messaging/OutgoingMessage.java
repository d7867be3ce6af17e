package io.mqlab.messaging;

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
 */
public record OutgoingMessage(UUID id, String topic, String key, Object payload, Map<String, String> headers,
		Integer priority) {

	public OutgoingMessage {
		Objects.requireNonNull(topic, "topic");
		Objects.requireNonNull(payload, "payload");
		headers = (headers != null) ? Map.copyOf(headers) : Map.of();
	}

	public static OutgoingMessage of(String topic, String key, Object payload) {
		return new OutgoingMessage(null, topic, key, payload, Map.of(), null);
	}

	public OutgoingMessage withHeader(String name, String value) {
		Map<String, String> copy = new LinkedHashMap<>(this.headers);
		copy.put(name, value);
		return new OutgoingMessage(this.id, this.topic, this.key, this.payload, copy, this.priority);
	}

	public OutgoingMessage withPriority(int priority) {
		return new OutgoingMessage(this.id, this.topic, this.key, this.payload, this.headers, priority);
	}

	public OutgoingMessage withId(UUID id) {
		return new OutgoingMessage(id, this.topic, this.key, this.payload, this.headers, this.priority);
	}

}
