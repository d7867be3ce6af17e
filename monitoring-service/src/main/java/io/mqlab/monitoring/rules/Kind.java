package io.mqlab.monitoring.rules;

import java.util.Locale;

/** What a rule compares with its threshold. */
public enum Kind {

	/** Each sample's value. */
	THRESHOLD,
	/** Each sample of a percentile series ({@code .p50}, {@code .p99}, ...). */
	PERCENTILE,
	/** A counter's increase per second between two samples (a reset is skipped). */
	RATE,
	/** A gauge's change per second between two samples (may be negative). */
	GROWTH,
	/** No sample of the metric from an instance for the rule's period. */
	ABSENCE;

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The kind for an id, or {@code null}. */
	public static Kind of(String id) {
		for (Kind kind : values()) {
			if (kind.id().equals(id)) {
				return kind;
			}
		}
		return null;
	}

}
