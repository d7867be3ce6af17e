package io.mqlab.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A delayed message that a broker hands over before its due time by this JVM's clock
 * (RabbitMQ's TTLs run on Erlang's clock) is held until due, never handled early.
 */
class DispatcherDueTimeTests {

	record Counted(int count) {

	}

	private final List<Instant> handled = new ArrayList<>();

	private final Dispatcher dispatcher = new Dispatcher("counts", "g", Counted.class,
			(payload, context) -> this.handled.add(Instant.now()),
			new RetrySettings(1, Duration.ofMillis(10), 2.0, Duration.ofMillis(10)), JsonMapper.shared(),
			new MessagingMetrics(new SimpleMeterRegistry(), Backend.RABBITMQ));

	@Test
	void holdsAMessageThatArrivedBeforeItIsDue() throws Exception {
		Instant due = Instant.ofEpochMilli(Instant.now().plusMillis(300).toEpochMilli());
		this.dispatcher.dispatch(envelope(due), false, (deadLetter) -> {
		});
		assertThat(this.handled).singleElement().satisfies((at) -> assertThat(at).isAfterOrEqualTo(due));
	}

	@Test
	void handlesAMessageDueInThePastAtOnce() throws Exception {
		Instant before = Instant.now();
		this.dispatcher.dispatch(envelope(before.minusSeconds(60)), false, (deadLetter) -> {
		});
		assertThat(this.handled).singleElement()
			.satisfies((at) -> assertThat(Duration.between(before, at)).isLessThan(Dispatcher.MAX_HOLD));
	}

	private static Envelope envelope(Instant due) {
		return new Envelope(UUID.randomUUID(), "counts", "k", "Counted", Instant.now(),
				Map.of(MessageHeaders.DELIVER_AT, Long.toString(due.toEpochMilli())), "{\"count\":1}");
	}

}
