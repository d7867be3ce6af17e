package io.mqlab.messaging;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The publishing port each backend implements ({@code KafkaMessagePublisher}, ...). The
 * returned future completes only once the broker holds the message durably (Kafka
 * acks=all, RabbitMQ publisher confirm, Redis XADD reply, PostgreSQL commit) and
 * completes exceptionally when it cannot.
 */
public interface MessagePublisher {

	CompletableFuture<Void> publish(Envelope envelope);

	/**
	 * Fails with {@link IllegalArgumentException} when {@link #publish} would reject the
	 * envelope whatever the retries (names, reserved headers, size as the broker counts
	 * it). Called when the envelope is built, so the outbox never stores such a message.
	 */
	default void validate(Envelope envelope) {
	}

	/**
	 * Publishes several envelopes, letting the backend batch them. Per-key order is kept
	 * within the list.
	 */
	default CompletableFuture<Void> publishAll(List<Envelope> envelopes) {
		CompletableFuture<?>[] futures = envelopes.stream().map(this::publish).toArray(CompletableFuture[]::new);
		return CompletableFuture.allOf(futures);
	}

}
