package io.mqlab.monitoring.flink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Reads a {@code metrics} record as the messaging library wrote it, without parsing it.
 */
class MetricsRecordDeserializer implements KafkaRecordDeserializationSchema<MetricsRecord> {

	private static final long serialVersionUID = 1L;

	@Override
	public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<MetricsRecord> out) {
		MetricsRecord read = new MetricsRecord();
		read.key = (record.key() != null) ? text(record.key()) : "";
		read.value = (record.value() != null) ? text(record.value()) : "null";
		List<String> headers = new ArrayList<>();
		for (Header header : record.headers()) {
			if (header.value() != null) {
				headers.add(header.key());
				headers.add(text(header.value()));
			}
		}
		read.headers = headers.toArray(String[]::new);
		read.position = record.topic() + "/" + record.partition() + "/" + record.offset();
		out.collect(read);
	}

	@Override
	public TypeInformation<MetricsRecord> getProducedType() {
		return TypeInformation.of(MetricsRecord.class);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
