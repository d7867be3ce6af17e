package io.mqlab.messaging;

import java.time.Duration;

import org.springframework.core.retry.RetryPolicy;

/**
 * How often and how patiently a failing handler is retried before its message is
 * dead-lettered. Retries happen in place, so later messages of the same key wait (per-key
 * order holds).
 *
 * @param maxAttempts handler runs in all, from 1
 * @param initialDelay the first backoff
 * @param multiplier how much each backoff grows
 * @param maxDelay the longest backoff
 */
public record RetrySettings(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay) {

	public static final RetrySettings DEFAULT = new RetrySettings(3, Duration.ofMillis(200), 2.0,
			Duration.ofSeconds(5));

	public RetrySettings {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
		}
		if (multiplier < 1.0) {
			throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
		}
	}

	/** The longest a message can be retried in place: the sum of all backoffs. */
	public Duration worstCaseBackoff() {
		Duration total = Duration.ZERO;
		double delay = this.initialDelay.toMillis();
		for (int i = 1; i < this.maxAttempts; i++) {
			total = total.plusMillis((long) Math.min(delay, this.maxDelay.toMillis()));
			delay *= this.multiplier;
		}
		return total;
	}

	RetryPolicy toPolicy() {
		return RetryPolicy.builder()
			.maxRetries(this.maxAttempts - 1)
			.delay(this.initialDelay)
			.multiplier(this.multiplier)
			.maxDelay(this.maxDelay)
			.timeout(Duration.ZERO)
			.build();
	}

}
