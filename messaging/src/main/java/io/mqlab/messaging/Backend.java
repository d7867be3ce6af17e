package io.mqlab.messaging;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The brokers mqlab can run on. One of them is chosen with
 * {@code mqlab.messaging.backend}.
 */
public enum Backend {

	KAFKA, RABBITMQ, REDIS, POSTGRES;

	/** The value used in configuration and in metric tags. */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static Backend of(String value) {
		for (Backend backend : values()) {
			if (backend.id().equalsIgnoreCase(value.strip())) {
				return backend;
			}
		}
		throw new IllegalArgumentException(
				"Unknown messaging backend '" + value + "': set mqlab.messaging.backend to one of " + ids());
	}

	public static String ids() {
		return Arrays.stream(values()).map(Backend::id).collect(Collectors.joining(", "));
	}

}
