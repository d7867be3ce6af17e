package io.mqlab.logs.search;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import io.mqlab.support.Problems.FieldError;

/**
 * What a search or a tail asks for, read from the query string and checked: every bad
 * value is named, so the client gets a 400 instead of an error from the index.
 *
 * @param q the query in {@code simple_query_string} syntax (AND by default), or null
 * @param service only this service
 * @param level only this level
 * @param traceId only this trace
 * @param from the oldest time, inclusive
 * @param to the newest time, inclusive
 * @param size how many hits
 * @param after the paging token of the last hit of the previous page, or null
 */
record LogQuery(String q, String service, String level, String traceId, Instant from, Instant to, int size,
		After after) {

	static final Set<String> SEARCH_PARAMETERS = Set.of("q", "service", "level", "traceId", "from", "to", "size",
			"after");

	static final Set<String> TAIL_PARAMETERS = Set.of("q", "service", "level", "traceId");

	static final int MAX_QUERY_LENGTH = 1000;

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:@/-]{1,128}");

	private static final Pattern AFTER = Pattern.compile("(-?\\d{1,19}):([A-Za-z0-9_-]{1,64})");

	/** The last hit of a page: where the next page starts. */
	record After(long timestamp, String id) {

		String token() {
			return this.timestamp + ":" + this.id;
		}

	}

	/**
	 * Reads the parameters.
	 * @param parameters the query string's parameters
	 * @param allowed the names this endpoint takes
	 * @param maxSize the largest size
	 * @param defaultRange how far back {@code from} goes when not given
	 * @param errors where the problems go
	 */
	static LogQuery read(Map<String, String[]> parameters, Set<String> allowed, int maxSize, Duration defaultRange,
			Instant now, List<FieldError> errors) {
		Set<String> unknown = new TreeSet<>(parameters.keySet());
		unknown.removeAll(allowed);
		unknown
			.forEach((name) -> errors.add(new FieldError(name, "unknown parameter; known: " + new TreeSet<>(allowed))));
		Map<String, String> single = new LinkedHashMap<>();
		for (String name : allowed) {
			String[] values = parameters.get(name);
			if (values == null || values.length == 0) {
				continue;
			}
			if (values.length > 1) {
				errors.add(new FieldError(name, "given more than once"));
				continue;
			}
			if (!values[0].isBlank()) {
				single.put(name, values[0].strip());
			}
		}
		String q = single.get("q");
		if (q != null && q.length() > MAX_QUERY_LENGTH) {
			errors.add(new FieldError("q", "longer than " + MAX_QUERY_LENGTH + " characters"));
		}
		String service = name(single, "service", errors);
		String level = name(single, "level", errors);
		if (level != null) {
			level = level.toUpperCase(java.util.Locale.ROOT);
		}
		String traceId = name(single, "traceId", errors);
		Instant to = time(single, "to", errors);
		Instant from = time(single, "from", errors);
		if (to == null) {
			to = now;
		}
		if (from == null) {
			from = to.minus(defaultRange);
		}
		if (from.isAfter(to)) {
			errors.add(new FieldError("from", "after 'to'"));
		}
		int size = 50;
		if (single.containsKey("size")) {
			try {
				size = Integer.parseInt(single.get("size"));
				if (size < 1 || size > maxSize) {
					errors.add(new FieldError("size", "must be between 1 and " + maxSize));
				}
			}
			catch (NumberFormatException ex) {
				errors.add(new FieldError("size", "not a number"));
			}
		}
		After after = null;
		if (single.containsKey("after")) {
			var matcher = AFTER.matcher(single.get("after"));
			if (matcher.matches()) {
				try {
					after = new After(Long.parseLong(matcher.group(1)), matcher.group(2));
				}
				catch (NumberFormatException ex) {
					errors.add(new FieldError("after", "not a paging token from a previous answer"));
				}
			}
			else {
				errors.add(new FieldError("after", "not a paging token from a previous answer"));
			}
		}
		return new LogQuery(q, service, level, traceId, from, to, size, after);
	}

	private static String name(Map<String, String> values, String field, List<FieldError> errors) {
		String value = values.get(field);
		if (value != null && !NAME.matcher(value).matches()) {
			errors.add(new FieldError(field, "must be 1 to 128 letters, digits or ._:@/-"));
			return null;
		}
		return value;
	}

	private static Instant time(Map<String, String> values, String field, List<FieldError> errors) {
		String value = values.get(field);
		if (value == null) {
			return null;
		}
		try {
			if (value.chars().allMatch(Character::isDigit) && value.length() <= 15) {
				return Instant.ofEpochMilli(Long.parseLong(value));
			}
			return OffsetDateTime.parse(value).toInstant();
		}
		catch (DateTimeParseException | NumberFormatException ex) {
			errors.add(new FieldError(field,
					"must be an ISO-8601 time with offset (2026-12-04T10:15:30Z) or epoch milliseconds"));
			return null;
		}
	}

	/** The query and time filters (what the facets count within). */
	Map<String, Object> baseQuery() {
		List<Object> must = new ArrayList<>();
		if (this.q != null) {
			must.add(Map.of("simple_query_string",
					Map.of("query", this.q, "fields", List.of("message", "error", "logger", "service", "traceId"),
							"default_operator", "and", "lenient", true)));
		}
		List<Object> filter = new ArrayList<>();
		filter.add(Map.of("range", Map.of("@timestamp",
				Map.of("gte", this.from.toEpochMilli(), "lte", this.to.toEpochMilli(), "format", "epoch_millis"))));
		if (this.traceId != null) {
			filter.add(term("traceId", this.traceId));
		}
		return Map.of("bool", Map.of("must", must, "filter", filter));
	}

	/** The service and level filters, leaving one out ({@code null}: none). */
	Map<String, Object> facetFilter(String without) {
		List<Object> filter = new ArrayList<>();
		if (this.service != null && !"service".equals(without)) {
			filter.add(term("service", this.service));
		}
		if (this.level != null && !"level".equals(without)) {
			filter.add(term("level", this.level));
		}
		return Map.of("bool", Map.of("filter", filter));
	}

	static Map<String, Object> term(String field, String value) {
		return Map.of("term", Map.of(field, value));
	}

}
