package io.mqlab.cdc.capture;

import java.util.regex.Pattern;

/**
 * Names that go into SQL text (tables, slots, publications): checked, never quoted input.
 */
final class Identifiers {

	private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}(\\.[a-z_][a-z0-9_]{0,62})?");

	private Identifiers() {
	}

	static String require(String name) {
		if (name == null || !NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("'" + name
					+ "' is no plain PostgreSQL name (lower-case letters, digits, _; optionally schema.name)");
		}
		return name;
	}

}
