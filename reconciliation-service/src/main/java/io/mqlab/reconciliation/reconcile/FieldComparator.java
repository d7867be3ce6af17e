package io.mqlab.reconciliation.reconcile;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * Compares two JSON documents field by field: objects by name, arrays by position,
 * numbers by value within a tolerance, everything else exactly.
 */
public final class FieldComparator {

	private final Set<String> ignored;

	private final BigDecimal tolerance;

	public FieldComparator(List<String> ignoreFields, BigDecimal tolerance) {
		this.ignored = Set.copyOf(ignoreFields);
		this.tolerance = tolerance.abs();
	}

	public List<FieldDiff> compare(JsonNode legacy, JsonNode rewrite) {
		List<FieldDiff> diffs = new ArrayList<>();
		compare("", legacy, rewrite, diffs);
		return diffs;
	}

	private void compare(String path, JsonNode legacy, JsonNode rewrite, List<FieldDiff> diffs) {
		if (isIgnored(path)) {
			return;
		}
		if (legacy != null && rewrite != null && legacy.isObject() && rewrite.isObject()) {
			Set<String> names = new LinkedHashSet<>(legacy.propertyNames());
			names.addAll(rewrite.propertyNames());
			for (String name : names) {
				compare(path.isEmpty() ? name : path + "." + name, legacy.get(name), rewrite.get(name), diffs);
			}
			return;
		}
		if (legacy != null && rewrite != null && legacy.isArray() && rewrite.isArray()) {
			for (int i = 0; i < Math.max(legacy.size(), rewrite.size()); i++) {
				compare(path + "[" + i + "]", legacy.get(i), rewrite.get(i), diffs);
			}
			return;
		}
		if (!same(legacy, rewrite)) {
			diffs.add(new FieldDiff(path, text(legacy), text(rewrite)));
		}
	}

	private boolean same(JsonNode legacy, JsonNode rewrite) {
		boolean legacyAbsent = legacy == null || legacy.isNull();
		boolean rewriteAbsent = rewrite == null || rewrite.isNull();
		if (legacyAbsent || rewriteAbsent) {
			return legacyAbsent && rewriteAbsent;
		}
		if (legacy.isNumber() && rewrite.isNumber()) {
			return legacy.decimalValue().subtract(rewrite.decimalValue()).abs().compareTo(this.tolerance) <= 0;
		}
		return legacy.equals(rewrite);
	}

	private boolean isIgnored(String path) {
		if (path.isEmpty()) {
			return false;
		}
		String normalized = path.replaceAll("\\[\\d+]", "[]");
		String name = normalized.substring(normalized.lastIndexOf('.') + 1).replace("[]", "");
		return this.ignored.contains(normalized) || this.ignored.contains(name);
	}

	private static String text(JsonNode node) {
		return (node == null || node.isNull()) ? null : node.toString();
	}

}
