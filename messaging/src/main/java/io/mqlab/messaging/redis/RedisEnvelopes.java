package io.mqlab.messaging.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import io.mqlab.messaging.DeadLetter;
import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.Timestamps;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Envelope to stream-entry fields and back, and dead letters to JSON and back. Uses a
 * mapper of its own so the wire format never depends on the application's Jackson
 * settings. The payload stays opaque text (it may not even be valid JSON) and the
 * timestamp keeps full precision (ISO-8601), so envelopes round-trip with equals.
 */
final class RedisEnvelopes {

	static final String DEAD_LETTER_FIELD = "dead-letter";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Resolved once: resolving the type per message costs as much as reading it. */
	private static final ObjectReader HEADERS = JSON.readerFor(new TypeReference<Map<String, String>>() {
	});

	private RedisEnvelopes() {
	}

	/** The XADD fields; a null key is left out (Redis has no null values). */
	static Map<String, String> fields(Envelope envelope) {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("id", envelope.id().toString());
		if (envelope.key() != null) {
			fields.put("key", envelope.key());
		}
		fields.put("type", envelope.type());
		fields.put("timestamp", Timestamps.format(envelope.timestamp()));
		// sorted: the same envelope always gives the same text (see delayedMember)
		fields.put("headers", JSON.writeValueAsString(new TreeMap<>(envelope.headers())));
		fields.put("payload", envelope.payload());
		return fields;
	}

	/**
	 * A delayed envelope as a member of a delayed set: its XADD fields as a flat JSON
	 * array (field, value, ...), which the move script decodes with cjson. The text is
	 * the same for the same envelope, so re-sending one still pending (e.g. by the
	 * outbox) does not add a second member.
	 */
	static String delayedMember(Envelope envelope) {
		List<String> flat = new ArrayList<>();
		fields(envelope).forEach((field, value) -> {
			flat.add(field);
			flat.add(value);
		});
		return JSON.writeValueAsString(flat);
	}

	/**
	 * The envelope of an entry of a topic's stream.
	 * @throws IllegalArgumentException when a required field is missing or malformed
	 */
	static Envelope envelope(String topic, Map<String, String> fields) {
		try {
			String headers = fields.get("headers");
			return new Envelope(UUID.fromString(required(fields, "id")), topic, fields.get("key"), fields.get("type"),
					Timestamps.parse(required(fields, "timestamp")),
					(headers != null) ? HEADERS.<Map<String, String>>readValue(headers) : Map.of(),
					required(fields, "payload"));
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("Not an mqlab envelope: " + ex.getMessage(), ex);
		}
	}

	private static String required(Map<String, String> fields, String name) {
		String value = fields.get(name);
		if (value == null) {
			throw new IllegalArgumentException("field '" + name + "' is missing");
		}
		return value;
	}

	static String json(DeadLetter deadLetter) {
		Envelope envelope = deadLetter.envelope();
		return JSON.writeValueAsString(
				new StoredDeadLetter(envelope.topic(), fields(envelope), deadLetter.group(), deadLetter.errorClass(),
						deadLetter.errorMessage(), deadLetter.attempts(), deadLetter.failedAt().toString()));
	}

	static DeadLetter deadLetter(String json) {
		StoredDeadLetter stored = JSON.readValue(json, StoredDeadLetter.class);
		return new DeadLetter(envelope(stored.topic(), stored.envelope()), stored.group(), stored.errorClass(),
				stored.errorMessage(), stored.attempts(), Instant.parse(stored.failedAt()));
	}

	/** The JSON form of a dead letter: the envelope as its stream fields. */
	record StoredDeadLetter(String topic, Map<String, String> envelope, String group, String errorClass,
			String errorMessage, int attempts, String failedAt) {

	}

}
