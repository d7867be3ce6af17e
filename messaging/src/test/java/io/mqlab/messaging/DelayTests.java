package io.mqlab.messaging;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DelayTests {

	@Test
	void acceptsZeroUpToTheMaximum() {
		assertThat(Delay.of(Duration.ZERO).duration()).isZero();
		assertThat(Delay.of(Delay.MAX).duration()).isEqualTo(Duration.ofDays(30));
	}

	@Test
	void refusesNegativeAndTooLongDelays() {
		assertThatIllegalArgumentException().isThrownBy(() -> Delay.of(Duration.ofMillis(-1)))
			.withMessageContaining("negative");
		assertThatIllegalArgumentException().isThrownBy(() -> Delay.of(Delay.MAX.plusSeconds(1)))
			.withMessageContaining("at most");
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> OutgoingMessage.of("t", "k", "p").deliverAt(Instant.now().plus(Delay.MAX).plusSeconds(60)))
			.withMessageContaining("at most");
	}

	@Test
	void aDueTimeInThePastMeansNow() {
		Instant past = Instant.now().minusSeconds(60);
		OutgoingMessage message = OutgoingMessage.of("t", "k", "p").deliverAt(past);
		assertThat(message.deliverAt()).isEqualTo(past);
	}

	@Test
	void theEnvelopeCarriesTheDueTimeInMilliseconds() {
		Instant due = Instant.parse("2026-11-22T10:00:00.123456Z");
		Envelope envelope = new Envelope(java.util.UUID.randomUUID(), "t", "k", "T", Instant.now(),
				java.util.Map.of(MessageHeaders.DELIVER_AT, Long.toString(due.toEpochMilli())), "{}");
		assertThat(envelope.deliverAt()).isEqualTo(Instant.parse("2026-11-22T10:00:00.123Z"));
		assertThat(envelope.isPendingAt(due.minusSeconds(1))).isTrue();
		assertThat(envelope.isPendingAt(due)).isFalse();
	}

	@Test
	void anUnreadableDueTimeFromAnotherProducerIsNoDelay() {
		Envelope envelope = new Envelope(java.util.UUID.randomUUID(), "t", "k", "T", Instant.now(),
				java.util.Map.of(MessageHeaders.DELIVER_AT, "tomorrow"), "{}");
		assertThat(envelope.deliverAt()).isNull();
		assertThat(envelope.isPendingAt(Instant.now())).isFalse();
	}

}
