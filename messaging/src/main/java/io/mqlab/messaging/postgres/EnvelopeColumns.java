package io.mqlab.messaging.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import io.mqlab.messaging.Envelope;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Maps an envelope to the columns message_id, topic, msg_key, type, headers, payload,
 * published_at, published_nano and back, losslessly: TIMESTAMPTZ keeps microseconds while
 * Java clocks tick in nanoseconds, so the exact nano-of-second is stored beside it.
 */
final class EnvelopeColumns {

	/** The columns, in the order {@link #bind} sets them. */
	static final String NAMES = "message_id, topic, msg_key, type, headers, payload, published_at, published_nano";

	/** Placeholders for {@link #NAMES}. */
	static final String PLACEHOLDERS = "?, ?, ?, ?, ?::jsonb, ?, ?, ?";

	/** What a SELECT lists to {@link #read} an envelope (headers as text). */
	static final String SELECTED = "message_id, topic, msg_key, type, headers::text AS headers, payload, published_at, published_nano";

	private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
	};

	private EnvelopeColumns() {
	}

	/** Binds the envelope from parameter {@code first} on; returns the next index. */
	static int bind(PreparedStatement statement, int first, Envelope envelope) throws SQLException {
		int i = first;
		Instant timestamp = envelope.timestamp();
		statement.setObject(i++, envelope.id());
		statement.setString(i++, envelope.topic());
		statement.setString(i++, envelope.key());
		statement.setString(i++, envelope.type());
		statement.setString(i++, headersJson(envelope));
		statement.setString(i++, envelope.payload());
		// Truncated, never rounded, so the stored second is the envelope's second.
		statement.setObject(i++, OffsetDateTime.ofInstant(timestamp.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
		statement.setInt(i++, timestamp.getNano());
		return i;
	}

	static String headersJson(Envelope envelope) {
		return JsonMapper.shared().writeValueAsString(envelope.headers());
	}

	static Envelope read(ResultSet rs) throws SQLException {
		OffsetDateTime publishedAt = rs.getObject("published_at", OffsetDateTime.class);
		Instant timestamp = Instant.ofEpochSecond(publishedAt.toEpochSecond(), rs.getInt("published_nano"));
		return new Envelope(rs.getObject("message_id", UUID.class), rs.getString("topic"), rs.getString("msg_key"),
				rs.getString("type"), timestamp, JsonMapper.shared().readValue(rs.getString("headers"), HEADERS),
				rs.getString("payload"));
	}

}
