package io.mqlab.messaging;

import java.util.Objects;

/**
 * What an adapter needs to start consuming.
 *
 * @param topic the topic to read
 * @param group the consumer group; each message is handled once per group
 * @param concurrency how many messages this process handles at once (different keys)
 */
public record SubscriptionSpec(String topic, String group, int concurrency) {

	public SubscriptionSpec {
		Objects.requireNonNull(topic, "topic");
		Objects.requireNonNull(group, "group");
		if (concurrency < 1) {
			throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
		}
	}

}
