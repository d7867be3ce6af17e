package io.mqlab.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How long a published message waits before any group may handle it. Delayed messages are
 * not ordered relative to immediate ones, nor to each other except by due time: a message
 * becomes visible when it is due, whatever was published before it.
 *
 * @param duration from zero to {@link #MAX}
 */
public record Delay(Duration duration) {

	/**
	 * The longest delay every backend keeps (Kafka's delay topic retains a bit longer).
	 */
	public static final Duration MAX = Duration.ofDays(30);

	public Delay {
		Objects.requireNonNull(duration, "duration");
		if (duration.isNegative()) {
			throw new IllegalArgumentException("A delay cannot be negative, was " + duration);
		}
		if (duration.compareTo(MAX) > 0) {
			throw new IllegalArgumentException("A delay can be at most " + MAX + ", was " + duration);
		}
	}

	public static Delay of(Duration duration) {
		return new Delay(duration);
	}

	/** The instant this delay ends when it starts {@code from}. */
	public Instant from(Instant from) {
		return from.plus(this.duration);
	}

	/**
	 * Checks a due time: in the past means now, further than {@link #MAX} is refused.
	 * @return the due time
	 */
	public static Instant checkDueTime(Instant at, Instant now) {
		Objects.requireNonNull(at, "at");
		if (Duration.between(now, at).compareTo(MAX) > 0) {
			throw new IllegalArgumentException("A message can be delivered at most " + MAX + " ahead, not at " + at);
		}
		return at;
	}

}
