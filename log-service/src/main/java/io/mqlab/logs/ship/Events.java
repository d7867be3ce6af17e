package io.mqlab.logs.ship;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts bytes read from a file into events: one per line, except that the continuation
 * lines of a stack trace that is not a JSON line (indented, {@code at ...},
 * {@code Caused by...}, {@code ... n more}) join the event before them.
 */
final class Events {

	/** A stack trace longer than this is cut into several events. */
	static final int MAX_LINES_PER_EVENT = 1000;

	private Events() {
	}

	/**
	 * The events of complete lines in {@code bytes}, read at {@code position}.
	 * @param bytes what was read
	 * @param length how many of the bytes are valid
	 * @param position the file offset of {@code bytes[0]}
	 * @param maxEvents the most events to return
	 * @param final whether a last line without a line end is complete (the file is
	 * finished) or must wait for more bytes; a buffer without any line end is always cut
	 * @return the events, each with its start and end offsets
	 */
	static List<Event> cut(byte[] bytes, int length, long position, int maxEvents, boolean finished) {
		List<Event> events = new ArrayList<>();
		int start = 0;
		Event current = null;
		while (start < length) {
			int end = indexOf(bytes, start, length);
			boolean complete = end >= 0;
			if (!complete) {
				boolean cut = start == 0 && length == bytes.length;
				if (!finished && !cut) {
					break;
				}
				end = length;
			}
			int next = complete ? end + 1 : end;
			int textEnd = (end > start && bytes[end - 1] == '\r') ? end - 1 : end;
			String text = new String(bytes, start, textEnd - start, StandardCharsets.UTF_8);
			if (current != null && !current.json && current.lines < MAX_LINES_PER_EVENT && isContinuation(text)) {
				current.text.append('\n').append(text);
				current.lines++;
				current.end = position + next;
			}
			else {
				if (events.size() == maxEvents) {
					break;
				}
				current = new Event(position + start, position + next, text);
				events.add(current);
			}
			start = next;
		}
		return events;
	}

	static boolean isContinuation(String line) {
		return line.startsWith(" ") || line.startsWith("\t") || line.startsWith("at ") || line.startsWith("Caused by")
				|| line.startsWith("...");
	}

	private static int indexOf(byte[] bytes, int from, int length) {
		for (int i = from; i < length; i++) {
			if (bytes[i] == '\n') {
				return i;
			}
		}
		return -1;
	}

	/** One event and the bytes it took in the file. */
	static final class Event {

		final long start;

		long end;

		final StringBuilder text;

		final boolean json;

		int lines = 1;

		Event(long start, long end, String text) {
			this.start = start;
			this.end = end;
			this.text = new StringBuilder(text);
			this.json = text.stripLeading().startsWith("{");
		}

		String text() {
			return this.text.toString();
		}

	}

}
