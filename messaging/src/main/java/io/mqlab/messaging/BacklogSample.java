package io.mqlab.messaging;

import java.time.Duration;
import java.time.Instant;

/**
 * A group's backlog as the broker last reported it.
 *
 * @param messages messages the group has not handled yet
 * @param at when the broker said so
 */
public record BacklogSample(long messages, Instant at) {

	/** How old the figure is. */
	public Duration age() {
		return Duration.between(this.at, Instant.now());
	}

}
