package io.mqlab.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the dispatcher logs about a message it dead-letters comes from the message: it
 * must not forge log lines nor flood the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class DispatcherLogTests {

	record Counted(int count) {

	}

	private final List<DeadLetter> deadLetters = new ArrayList<>();

	@Test
	void escapesAndBoundsTheParseErrorOfAnUnreadablePayload(CapturedOutput output) throws Exception {
		Dispatcher dispatcher = dispatcher((payload, context) -> {
		});
		dispatcher.dispatch(envelope("{\"count\":\"12\\nFORGED ERROR line" + "x".repeat(900) + "\"}"), false,
				this.deadLetters::add);
		assertThat(this.deadLetters).hasSize(1);
		assertSafe(output);
	}

	@Test
	void escapesAndBoundsTheMessageOfAFailingHandler(CapturedOutput output) throws Exception {
		Dispatcher dispatcher = dispatcher((payload, context) -> {
			throw new IllegalStateException("bad count\r\nFORGED ERROR line\u2028" + "y".repeat(5000));
		});
		dispatcher.dispatch(envelope("{\"count\":1}"), false, this.deadLetters::add);
		assertThat(this.deadLetters).hasSize(1);
		assertSafe(output);
	}

	private static void assertSafe(CapturedOutput output) {
		String logged = output.getAll();
		assertThat(logged).contains("Dead-lettering");
		assertThat(logged.lines().filter((line) -> line.startsWith("FORGED"))).isEmpty();
		assertThat(logged).doesNotContain("\u2028");
		assertThat(logged.lines().filter((line) -> line.contains("Dead-lettering")))
			.allSatisfy((line) -> assertThat(line).hasSizeLessThan(1000).contains("\\n"));
	}

	private Dispatcher dispatcher(MessageHandler<Counted> handler) {
		return new Dispatcher("counts", "g", Counted.class, handler,
				new RetrySettings(1, Duration.ofMillis(10), 2.0, Duration.ofMillis(10)), JsonMapper.shared(),
				new MessagingMetrics(new SimpleMeterRegistry(), Backend.POSTGRES));
	}

	private static Envelope envelope(String payload) {
		return new Envelope(UUID.randomUUID(), "counts", "k", "Counted", Instant.now(), Map.of(), payload);
	}

}
