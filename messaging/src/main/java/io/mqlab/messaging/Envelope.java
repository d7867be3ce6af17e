package io.mqlab.messaging;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A message as it travels through any backend: identity, routing, metadata and a JSON
 * payload. Adapters map it to the broker's native form (record headers, AMQP properties,
 * stream fields, table columns) and back.
 *
 * @param id unique id, stable across redeliveries and outbox re-sends
 * @param topic the logical destination
 * @param key the ordering key ({@code null} means no ordering)
 * @param type the payload's type name (the simple name of the published record)
 * @param timestamp when it was published; the base of end-to-end latency
 * @param headers correlation id, causation id, traceparent and user headers
 * @param payload the payload as JSON text
 */
public record Envelope(UUID id, String topic, String key, String type, Instant timestamp, Map<String, String> headers,
		String payload) {

	public Envelope {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(topic, "topic");
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(payload, "payload");
		headers = (headers != null) ? Map.copyOf(headers) : Map.of();
		type = (type != null) ? type : "";
	}

	public String header(String name) {
		return this.headers.get(name);
	}

	/**
	 * When this message is due, or {@code null} when it was not delayed (or a producer
	 * outside mqlab set the header to something that is not epoch milliseconds: a message
	 * is never held back, nor failed, for an unreadable due time).
	 */
	public Instant deliverAt() {
		String value = this.headers.get(MessageHeaders.DELIVER_AT);
		if (value == null) {
			return null;
		}
		try {
			return Instant.ofEpochMilli(Long.parseLong(value.strip()));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/** Whether a delayed message must still wait at {@code now}. */
	public boolean isPendingAt(Instant now) {
		Instant due = deliverAt();
		return due != null && due.isAfter(now);
	}

	/** A copy with one header added or replaced. */
	public Envelope withHeader(String name, String value) {
		Map<String, String> copy = new java.util.HashMap<>(this.headers);
		copy.put(name, value);
		return new Envelope(this.id, this.topic, this.key, this.type, this.timestamp, copy, this.payload);
	}

	/** A copy without one header. */
	public Envelope withoutHeader(String name) {
		Map<String, String> copy = new java.util.HashMap<>(this.headers);
		copy.remove(name);
		return new Envelope(this.id, this.topic, this.key, this.type, this.timestamp, copy, this.payload);
	}

}
