package io.mqlab.messaging.postgres;

import java.util.regex.Pattern;

/**
 * Topic and group names end up in rows and notification payloads: only a safe alphabet is
 * accepted, so a name never needs quoting anywhere.
 */
final class QueueNames {

	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

	private QueueNames() {
	}

	static String check(String what, String name) {
		if (name == null || !VALID.matcher(name).matches()) {
			throw new IllegalArgumentException(
					"Invalid " + what + " name '" + name + "': use 1 to 200 characters from [A-Za-z0-9._-]");
		}
		return name;
	}

}
