package io.mqlab.messaging;

/**
 * Text from a message (payload excerpts in parse errors, handler exception messages) made
 * safe for a log line: control and line-separator characters escaped, so a payload cannot
 * forge log lines, and the length bounded, so it cannot flood the log.
 */
final class LogText {

	static final int MAX_CHARS = 300;

	private LogText() {
	}

	static String of(Object value) {
		String text = String.valueOf(value);
		StringBuilder safe = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 16);
		int shown = 0;
		for (int i = 0; i < text.length() && shown < MAX_CHARS; i++, shown++) {
			char c = text.charAt(i);
			switch (c) {
				case '\n' -> safe.append("\\n");
				case '\r' -> safe.append("\\r");
				case '\t' -> safe.append("\\t");
				default -> {
					if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
							|| Character.getType(c) == Character.FORMAT) {
						safe.append(String.format("\\u%04x", (int) c));
					}
					else {
						safe.append(c);
					}
				}
			}
		}
		if (text.length() > MAX_CHARS) {
			safe.append("... (").append(text.length()).append(" chars)");
		}
		return safe.toString();
	}

}
