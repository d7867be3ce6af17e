package io.mqlab.reconciliation.reconcile;

/**
 * One field where the two services disagree.
 *
 * @param field the path, e.g. {@code tax} or {@code items[0].lineTotal}
 * @param legacy the legacy value as JSON text ({@code null} when absent)
 * @param rewrite the rewrite's value as JSON text ({@code null} when absent)
 */
public record FieldDiff(String field, String legacy, String rewrite) {

	/**
	 * The path without list indexes, for per-field statistics: {@code items[].lineTotal}.
	 */
	public String normalizedField() {
		return this.field.replaceAll("\\[\\d+]", "[]");
	}

}
