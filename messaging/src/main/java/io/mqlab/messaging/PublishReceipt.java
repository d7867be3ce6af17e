package io.mqlab.messaging;

import java.util.UUID;

/**
 * Proof that the broker holds a message durably.
 *
 * @param id the envelope id
 * @param topic the topic
 * @param key the key
 */
public record PublishReceipt(UUID id, String topic, String key) {

	static PublishReceipt of(Envelope envelope) {
		return new PublishReceipt(envelope.id(), envelope.topic(), envelope.key());
	}

}
