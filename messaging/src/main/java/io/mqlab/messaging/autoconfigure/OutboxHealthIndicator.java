package io.mqlab.messaging.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.mqlab.messaging.outbox.Outbox;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the transactional outbox, reported as the {@code outbox} component: DOWN when
 * the oldest row still to send is older than
 * {@code mqlab.messaging.outbox.max-unsent-age} (the relay is dead or wedged, or the
 * broker has been unreachable that long). Rows set aside because the broker rejects them
 * for good do not stop the others, so they keep it UP with a warning and their count.
 * Only where the relay runs ({@code mqlab.messaging.outbox.relay-enabled}): an instance
 * that does not relay cannot be the cause, and restarting it would not help.
 */
final class OutboxHealthIndicator extends AbstractHealthIndicator {

	private final Outbox outbox;

	private final Duration maxUnsentAge;

	OutboxHealthIndicator(Outbox outbox, Duration maxUnsentAge) {
		super("Outbox check failed");
		this.outbox = outbox;
		this.maxUnsentAge = maxUnsentAge;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Optional<Instant> oldest = this.outbox.oldestUnsent();
		Duration age = oldest.map((at) -> Duration.between(at, Instant.now())).orElse(Duration.ZERO);
		long failed = this.outbox.failed();
		builder.withDetail("unsent", this.outbox.pending())
			.withDetail("oldestUnsentAge", age.isNegative() ? Duration.ZERO.toString() : age.toString())
			.withDetail("maxUnsentAge", this.maxUnsentAge.toString())
			.withDetail("failed", failed);
		if (failed > 0) {
			builder.withDetail("warning", failed + " row(s) rejected by the broker for good are set aside "
					+ "(mqlab_outbox.failed_at, reason in mqlab_outbox.failure)");
		}
		if (age.compareTo(this.maxUnsentAge) > 0) {
			builder.down()
				.withDetail("reason", "the oldest unsent row waits longer than " + this.maxUnsentAge
						+ ": relay stopped or broker unreachable");
		}
		else {
			builder.up();
		}
	}

}
