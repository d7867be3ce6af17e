package io.mqlab.messaging.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.mqlab.messaging.DeadLetter;
import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.Timestamps;
import io.mqlab.messaging.MessageHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Maps envelopes and dead letters to Kafka records and back: key = envelope key, value =
 * payload text, every other field in a record header. Header names starting with
 * {@value #RESERVED} belong to mqlab; all others are the envelope's own headers.
 */
final class KafkaRecords {

	static final String RESERVED = "mqlab.";

	private static final String ID = RESERVED + "id";

	private static final String TYPE = RESERVED + "type";

	// ISO-8601 text keeps the full nanosecond precision of the Instant.
	private static final String TIMESTAMP = RESERVED + "timestamp";

	// Only on dead-letter records, whose Kafka topic is not the envelope's.
	private static final String TOPIC = RESERVED + "topic";

	// On a record a delay forwarder may have forwarded before (crash before its commit).
	private static final String REDELIVERED = RESERVED + "redelivered";

	private static final String DLT_GROUP = RESERVED + "dlt.group";

	private static final String DLT_ERROR_CLASS = RESERVED + "dlt.error-class";

	private static final String DLT_ERROR_MESSAGE = RESERVED + "dlt.error-message";

	private static final String DLT_ATTEMPTS = RESERVED + "dlt.attempts";

	private static final String DLT_FAILED_AT = RESERVED + "dlt.failed-at";

	private KafkaRecords() {
	}

	/**
	 * The record for an envelope. The record timestamp is left to the producer (publish
	 * time), so rewinding by time means "published since".
	 */
	static ProducerRecord<String, String> record(String kafkaTopic, Envelope envelope) {
		return new ProducerRecord<>(kafkaTopic, null, null, envelope.key(), envelope.payload(), headers(envelope));
	}

	/**
	 * A delayed record forwarded as it is to another topic (the next delay tier or its
	 * topic): same key, so it lands on the partition of its key.
	 */
	static ProducerRecord<String, String> forwarded(String kafkaTopic, ConsumerRecord<String, String> record,
			boolean redelivered) {
		Headers headers = new RecordHeaders(record.headers().toArray());
		if (redelivered && headers.lastHeader(REDELIVERED) == null) {
			put(headers, REDELIVERED, "true");
		}
		return new ProducerRecord<>(kafkaTopic, null, null, record.key(), record.value(), headers);
	}

	/** Whether a forwarder may have forwarded this record before. */
	static boolean redelivered(ConsumerRecord<String, String> record) {
		return record.headers().lastHeader(REDELIVERED) != null;
	}

	/**
	 * When a record is due, in epoch millis, or {@code null} when it was not delayed or
	 * its due time is unreadable (then it is not held: nothing waits forever).
	 */
	static Long deliverAt(ConsumerRecord<String, String> record) {
		Header header = record.headers().lastHeader(MessageHeaders.DELIVER_AT);
		if (header == null || header.value() == null) {
			return null;
		}
		try {
			return Long.parseLong(new String(header.value(), StandardCharsets.UTF_8).trim());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	static ProducerRecord<String, String> deadLetterRecord(String deadLetterTopic, DeadLetter deadLetter) {
		Envelope envelope = deadLetter.envelope();
		Headers headers = headers(envelope);
		put(headers, TOPIC, envelope.topic());
		put(headers, DLT_GROUP, deadLetter.group());
		put(headers, DLT_ERROR_CLASS, deadLetter.errorClass());
		put(headers, DLT_ERROR_MESSAGE, deadLetter.errorMessage());
		put(headers, DLT_ATTEMPTS, Integer.toString(deadLetter.attempts()));
		put(headers, DLT_FAILED_AT, deadLetter.failedAt().toString());
		return new ProducerRecord<>(deadLetterTopic, null, null, envelope.key(), envelope.payload(), headers);
	}

	/**
	 * The envelope of a record. Records not written by mqlab still get one (id derived
	 * from their position, the record timestamp), so they are handled or dead-lettered,
	 * never dropped.
	 */
	static Envelope envelope(ConsumerRecord<String, String> record) {
		Map<String, String> fields = new HashMap<>();
		Map<String, String> headers = new HashMap<>();
		for (Header header : record.headers()) {
			String value = (header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
			if (header.key().startsWith(RESERVED)) {
				fields.put(header.key(), value);
			}
			else if (value != null) {
				headers.put(header.key(), value);
			}
		}
		String id = fields.get(ID);
		String timestamp = fields.get(TIMESTAMP);
		String topic = fields.getOrDefault(TOPIC, record.topic());
		return new Envelope((id != null) ? UUID.fromString(id) : positionId(record), topic, record.key(),
				fields.get(TYPE),
				(timestamp != null) ? Timestamps.parse(timestamp) : Instant.ofEpochMilli(record.timestamp()), headers,
				payload(record));
	}

	/**
	 * The record as it is, without reading any header: for records whose headers are
	 * broken.
	 */
	static Envelope raw(ConsumerRecord<String, String> record) {
		return new Envelope(positionId(record), record.topic(), record.key(), "",
				Instant.ofEpochMilli(record.timestamp()), Map.of(), payload(record));
	}

	/** A stable id for a record that has none: the same every time it is read. */
	private static UUID positionId(ConsumerRecord<String, String> record) {
		return UUID.nameUUIDFromBytes(
				(record.topic() + "/" + record.partition() + "/" + record.offset()).getBytes(StandardCharsets.UTF_8));
	}

	private static String payload(ConsumerRecord<String, String> record) {
		// A tombstone: JSON null, which the dispatcher dead-letters as unreadable.
		return (record.value() != null) ? record.value() : "null";
	}

	static DeadLetter deadLetter(ConsumerRecord<String, String> record) {
		Map<String, String> fields = new HashMap<>();
		for (Header header : record.headers()) {
			if (header.key().startsWith(RESERVED + "dlt.") && header.value() != null) {
				fields.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
			}
		}
		String attempts = fields.get(DLT_ATTEMPTS);
		String failedAt = fields.get(DLT_FAILED_AT);
		return new DeadLetter(envelope(record), fields.get(DLT_GROUP), fields.get(DLT_ERROR_CLASS),
				fields.get(DLT_ERROR_MESSAGE), (attempts != null) ? Integer.parseInt(attempts) : 0,
				(failedAt != null) ? Instant.parse(failedAt) : Instant.ofEpochMilli(record.timestamp()));
	}

	private static Headers headers(Envelope envelope) {
		Headers headers = new RecordHeaders();
		put(headers, ID, envelope.id().toString());
		put(headers, TYPE, envelope.type());
		put(headers, TIMESTAMP, Timestamps.format(envelope.timestamp()));
		envelope.headers().forEach((name, value) -> {
			if (name.startsWith(RESERVED)) {
				throw new IllegalArgumentException("Header '" + name + "' of message " + envelope.id()
						+ " uses the prefix '" + RESERVED + "' reserved by mqlab on Kafka");
			}
			put(headers, name, value);
		});
		return headers;
	}

	private static void put(Headers headers, String name, String value) {
		if (value != null) {
			headers.add(name, value.getBytes(StandardCharsets.UTF_8));
		}
	}

}
