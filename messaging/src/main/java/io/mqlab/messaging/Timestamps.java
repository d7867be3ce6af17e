package io.mqlab.messaging;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;

/**
 * Envelope timestamps as they travel: the text of {@link Instant#toString()} (ISO-8601,
 * nanosecond precision). Reading one is on every delivery's path, and
 * {@link Instant#parse} (a general {@code DateTimeFormatter}) was a tenth of a consumer's
 * CPU; the exact form {@code toString()} writes is read directly, anything else still
 * goes through {@link Instant#parse}.
 */
public final class Timestamps {

	// uuuu-MM-ddTHH:mm:ssZ, the shortest form toString() writes for years 0000-9999
	private static final int SHORTEST = 20;

	private Timestamps() {
	}

	public static String format(Instant instant) {
		return instant.toString();
	}

	/**
	 * @throws java.time.format.DateTimeParseException or {@link DateTimeException} when
	 * the text is no ISO-8601 instant
	 */
	public static Instant parse(CharSequence text) {
		Instant fast = parseCanonical(text);
		return (fast != null) ? fast : Instant.parse(text);
	}

	/** The canonical form, or {@code null} when the text is in any other form. */
	private static Instant parseCanonical(CharSequence text) {
		int length = text.length();
		if (length < SHORTEST || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
				|| text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
			return null;
		}
		int year = digits(text, 0, 4);
		int month = digits(text, 5, 7);
		int day = digits(text, 8, 10);
		int hour = digits(text, 11, 13);
		int minute = digits(text, 14, 16);
		int second = digits(text, 17, 19);
		int nanos = 0;
		if (length > SHORTEST) {
			// toString() writes 3, 6 or 9 fraction digits
			int fraction = length - SHORTEST - 1;
			if (text.charAt(19) != '.' || (fraction != 3 && fraction != 6 && fraction != 9)) {
				return null;
			}
			nanos = digits(text, 20, 20 + fraction);
			for (int i = fraction; i < 9; i++) {
				nanos *= 10;
			}
		}
		if ((year | month | day | hour | minute | second | nanos) < 0) {
			return null;
		}
		try {
			long days = LocalDate.of(year, month, day).toEpochDay();
			return Instant.ofEpochSecond(days * 86_400 + LocalTime.of(hour, minute, second).toSecondOfDay(), nanos);
		}
		catch (DateTimeException ex) {
			// out of range (month 13, hour 24): let the full parser give the usual error
			return null;
		}
	}

	/** The decimal number in [from, to), or -1 if any character is not a digit. */
	private static int digits(CharSequence text, int from, int to) {
		int value = 0;
		for (int i = from; i < to; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

}
