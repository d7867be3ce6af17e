package io.mqlab.monitoring.flink;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a batch that cannot be processed to the messaging library's dead-letter topic of
 * the topic and group ({@code <topic>.<group>.dlt}) with its dead-letter headers, so it
 * is listed and replayed like one the messaging engine set aside.
 */
class DeadLetterSerializer implements KafkaRecordSerializationSchema<MetricsRecord> {

	private static final long serialVersionUID = 1L;

	private final String topic;

	private final String group;

	DeadLetterSerializer(String topic, String group) {
		this.topic = topic;
		this.group = group;
	}

	static String deadLetterTopic(String topic, String group) {
		return topic + "." + group + ".dlt";
	}

	@Override
	public ProducerRecord<byte[], byte[]> serialize(MetricsRecord record, KafkaSinkContext context, Long timestamp) {
		RecordHeaders headers = new RecordHeaders();
		for (int i = 0; i + 1 < record.headers.length; i += 2) {
			if (!record.headers[i].startsWith("mqlab.dlt.") && !record.headers[i].equals("mqlab.topic")) {
				put(headers, record.headers[i], record.headers[i + 1]);
			}
		}
		put(headers, "mqlab.topic", this.topic);
		put(headers, "mqlab.dlt.group", this.group);
		put(headers, "mqlab.dlt.error-class", record.errorClass);
		put(headers, "mqlab.dlt.error-message", record.error + " (" + record.position + ")");
		put(headers, "mqlab.dlt.attempts", "1");
		put(headers, "mqlab.dlt.failed-at", Instant.now().toString());
		return new ProducerRecord<>(deadLetterTopic(this.topic, this.group), null, null,
				record.key.isEmpty() ? null : bytes(record.key), bytes(record.value), headers);
	}

	private static void put(RecordHeaders headers, String name, String value) {
		if (value != null) {
			headers.add(name, bytes(value));
		}
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
