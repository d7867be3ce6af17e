package io.mqlab.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handler runs with its message's trace and span ids in the MDC (so its log lines carry
 * them), and only while it runs.
 */
class TraceContextTests {

	record Counted(int count) {

	}

	@Test
	void aHandlerLogsWithItsMessagesTraceIds() throws Exception {
		String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
		List<String> seen = new ArrayList<>();
		Dispatcher dispatcher = new Dispatcher("counts", "g", Counted.class, (payload, context) -> {
			seen.add(MDC.get(TraceContext.TRACE_ID));
			seen.add(MDC.get(TraceContext.SPAN_ID));
			seen.add(TraceContext.current());
		}, new RetrySettings(1, Duration.ofMillis(10), 2.0, Duration.ofMillis(10)), JsonMapper.shared(),
				new MessagingMetrics(new SimpleMeterRegistry(), Backend.POSTGRES));
		dispatcher.dispatch(new Envelope(UUID.randomUUID(), "counts", "k", "Counted", Instant.now(),
				Map.of(MessageHeaders.TRACEPARENT, traceparent), "{\"count\":1}"), false, (letter) -> {
				});
		assertThat(seen).containsExactly("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", traceparent);
		assertThat(MDC.get(TraceContext.TRACE_ID)).isNull();
		assertThat(TraceContext.current()).isNull();
	}

	@Test
	void aScopePutsBackWhatWasThereAndIgnoresInvalidOnes() {
		String outer = "00-11111111111111111111111111111111-2222222222222222-01";
		try (TraceContext.Scope first = TraceContext.open(outer)) {
			try (TraceContext.Scope inner = TraceContext
				.open("00-33333333333333333333333333333333-4444444444444444-01")) {
				assertThat(MDC.get(TraceContext.TRACE_ID)).isEqualTo("33333333333333333333333333333333");
			}
			try (TraceContext.Scope invalid = TraceContext.open("nonsense\nFORGED")) {
				assertThat(TraceContext.current()).isEqualTo(outer);
			}
			assertThat(MDC.get(TraceContext.SPAN_ID)).isEqualTo("2222222222222222");
		}
		assertThat(TraceContext.current()).isNull();
	}

	@Test
	void aMessagePublishedInATraceContinuesIt() {
		String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
		try (TraceContext.Scope scope = TraceContext.open(traceparent)) {
			String child = Messaging.traceparent(TraceContext.current());
			assertThat(child).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-").doesNotContain("00f067aa0ba902b7");
		}
	}

}
