package io.mqlab.logs.ship;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How bytes read from a log file become events: whole lines only, a stack trace that is
 * not a JSON line in one event, offsets that point at each event's first byte.
 */
class EventsTests {

	@Test
	void groupsAPlainStackTraceAndKeepsJsonLinesApart() {
		String text = "{\"message\":\"a\"}\n" + "java.lang.IllegalStateException: boom\n"
				+ "\tat io.mqlab.Example.run(Example.java:42)\n" + "Caused by: java.io.IOException: root\n"
				+ "\t... 2 more\n" + "{\"message\":\"b\"}\n" + "  indented after JSON stays its own event\n";
		List<Events.Event> events = cut(text, 100, 1000, false);
		assertThat(events).extracting(Events.Event::text)
			.containsExactly("{\"message\":\"a\"}",
					"java.lang.IllegalStateException: boom\n\tat io.mqlab.Example.run(Example.java:42)\n"
							+ "Caused by: java.io.IOException: root\n\t... 2 more",
					"{\"message\":\"b\"}", "  indented after JSON stays its own event");
		assertThat(events.get(0).start).isEqualTo(1000);
		assertThat(events.get(1).start).isEqualTo(1000 + "{\"message\":\"a\"}\n".length());
		assertThat(events.get(3).end).isEqualTo(1000 + text.getBytes(StandardCharsets.UTF_8).length);
	}

	@Test
	void leavesAnUnfinishedLastLineForLaterUnlessTheFileIsFinished() {
		assertThat(cut("one\r\ntwo\nthr", 100, 0, false)).extracting(Events.Event::text).containsExactly("one", "two");
		List<Events.Event> finished = cut("one\ntwo\nthr", 100, 0, true);
		assertThat(finished).extracting(Events.Event::text).containsExactly("one", "two", "thr");
		assertThat(finished.get(2).end).isEqualTo(11);
	}

	@Test
	void stopsAtTheMostEventsAndCutsALineLongerThanTheBuffer() {
		List<Events.Event> first = cut("a\nb\nc\n", 100, 0, false).subList(0, 3);
		assertThat(first).hasSize(3);
		assertThat(cut("a\nb\nc\n", 2, 0, false)).extracting(Events.Event::text).containsExactly("a", "b");
		byte[] full = "x".repeat(16).getBytes(StandardCharsets.UTF_8);
		List<Events.Event> cutLine = Events.cut(full, full.length, 0, 10, false);
		assertThat(cutLine).singleElement().satisfies((event) -> assertThat(event.end).isEqualTo(16));
	}

	private static List<Events.Event> cut(String text, int maxEvents, long position, boolean finished) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		byte[] buffer = new byte[bytes.length + 64];
		System.arraycopy(bytes, 0, buffer, 0, bytes.length);
		return Events.cut(buffer, bytes.length, position, maxEvents, finished);
	}

}
