package io.mqlab.logs.index;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mqlab.logs.LinesShipped;
import io.mqlab.logs.LinesShipped.Line;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a shipped event into the document indexed for it. A JSON line (Spring Boot's ECS
 * structured logging, or the common flat names) gives its time, service, level, logger,
 * thread, trace and span ids, message and error; any other line is a plain message whose
 * level is guessed from its first words and whose time is when it was read. The raw text
 * is kept in every document.
 */
final class LogDocuments {

	private static final Pattern LEVEL = Pattern.compile("\\b(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|SEVERE)\\b");

	private static final Pattern LEADING_TIME = Pattern
		.compile("^(\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?(?:Z|[+-]\\d{2}:?\\d{2}))");

	private final JsonMapper jsonMapper;

	LogDocuments(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	/**
	 * The document id: the same event always gets the same one, so a redelivery
	 * overwrites.
	 */
	static String id(String source, Line line) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			byte[] hash = digest
				.digest((source + '\n' + line.fileId() + '\n' + line.position()).getBytes(StandardCharsets.UTF_8));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 32);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	Map<String, Object> document(LinesShipped batch, Line line, Instant indexedAt) {
		Map<String, Object> document = plain(batch, line, indexedAt);
		JsonNode json = parse(line.text());
		if (json == null) {
			Matcher level = LEVEL.matcher(line.text().substring(0, Math.min(120, line.text().length())));
			if (level.find()) {
				document.put("level", normalLevel(level.group(1)));
			}
			Instant time = leadingTime(line.text());
			if (time != null) {
				document.put("@timestamp", time.toString());
			}
			return document;
		}
		document.put("json", true);
		Instant time = instant(text(json, "@timestamp", "timestamp", "time"));
		if (time != null) {
			document.put("@timestamp", time.toString());
		}
		putIfPresent(document, "service", text(json, "service.name", "service", "app", "application"));
		String level = text(json, "log.level", "level", "severity");
		if (level != null) {
			document.put("level", normalLevel(level));
		}
		putIfPresent(document, "logger", text(json, "log.logger", "logger", "logger_name"));
		putIfPresent(document, "thread", text(json, "process.thread.name", "thread", "thread_name"));
		putIfPresent(document, "traceId", text(json, "trace.id", "traceId", "trace_id"));
		putIfPresent(document, "spanId", text(json, "span.id", "spanId", "span_id"));
		String message = text(json, "message", "msg");
		document.put("message", (message != null) ? message : line.text());
		String error = join(text(json, "error.type"), text(json, "error.message"),
				text(json, "error.stack_trace", "stack_trace"));
		putIfPresent(document, "error", error);
		return document;
	}

	/**
	 * The document of an event as a plain message: what every event can be indexed as.
	 */
	Map<String, Object> plain(LinesShipped batch, Line line, Instant indexedAt) {
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("id", id(batch.source(), line));
		document.put("@timestamp", batch.readAt().toString());
		document.put("indexedAt", indexedAt.toString());
		document.put("service", serviceOf(line.file()));
		document.put("message", line.text());
		document.put("source", batch.source());
		document.put("file", line.file());
		document.put("fileId", line.fileId());
		document.put("position", line.position());
		document.put("json", false);
		document.put("raw", line.text());
		return document;
	}

	/**
	 * {@code order-service} for {@code .../order-service.log} and
	 * {@code order-service.log.1}.
	 */
	static String serviceOf(String file) {
		String name = file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
		int dot = name.indexOf(".log");
		return (dot > 0) ? name.substring(0, dot) : name;
	}

	private JsonNode parse(String text) {
		String trimmed = text.strip();
		if (!trimmed.startsWith("{")) {
			return null;
		}
		try {
			JsonNode node = this.jsonMapper.readTree(trimmed);
			return (node != null && node.isObject()) ? node : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/**
	 * The first of the names present, nested ({@code log: {level}}) or dotted
	 * ({@code log.level}).
	 */
	private static String text(JsonNode json, String... names) {
		for (String name : names) {
			JsonNode value = json.get(name);
			if (value == null && name.contains(".")) {
				value = json;
				for (String part : name.split("\\.")) {
					value = (value != null) ? value.get(part) : null;
				}
			}
			if (value != null && !value.isNull() && !value.isContainer()) {
				String text = value.asString();
				if (!text.isEmpty()) {
					return text.length() > 32_766 ? text.substring(0, 32_766) : text;
				}
			}
		}
		return null;
	}

	private static Instant instant(String value) {
		if (value == null) {
			return null;
		}
		try {
			return OffsetDateTime.parse(value.replace(' ', 'T')).toInstant();
		}
		catch (DateTimeParseException ex) {
			try {
				return Instant.ofEpochMilli(Long.parseLong(value));
			}
			catch (NumberFormatException notMillis) {
				return null;
			}
		}
	}

	private static Instant leadingTime(String text) {
		Matcher matcher = LEADING_TIME.matcher(text);
		return matcher.find() ? instant(matcher.group(1).replace(',', '.')) : null;
	}

	private static String normalLevel(String level) {
		String upper = level.strip().toUpperCase(java.util.Locale.ROOT);
		return switch (upper) {
			case "WARNING" -> "WARN";
			case "SEVERE" -> "ERROR";
			default -> (upper.length() > 16) ? upper.substring(0, 16) : upper;
		};
	}

	private static String join(String... parts) {
		StringBuilder joined = new StringBuilder();
		for (String part : parts) {
			if (part != null) {
				joined.append((joined.length() > 0) ? "\n" : "").append(part);
			}
		}
		return (joined.length() > 0) ? joined.toString() : null;
	}

	private static void putIfPresent(Map<String, Object> document, String field, String value) {
		if (value != null) {
			document.put(field, value);
		}
	}

}
