package io.mqlab.messaging.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.MessagePublisher;
import io.mqlab.messaging.PayloadTooLargeException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.RecordBatch;

import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes envelopes as records keyed by the envelope key, so one key always lands on
 * one partition (per-key order). The producer is idempotent with {@code acks=all}: a
 * future completes once every in-sync replica has the record. A message that must still
 * wait goes to a delay topic of its topic instead ({@link KafkaDelays}); it is not
 * ordered relative to the immediate messages of its key.
 */
final class KafkaMessagePublisher implements MessagePublisher {

	private final KafkaClients clients;

	private final KafkaDelays delays;

	KafkaMessagePublisher(KafkaClients clients, KafkaDelays delays) {
		this.clients = clients;
		this.delays = delays;
	}

	/**
	 * Fails like the producer would: an invalid name, a reserved header, or a record over
	 * {@code max.request.size} counting key and headers as Kafka does.
	 */
	@Override
	public void validate(Envelope envelope) {
		ProducerRecord<String, String> record = KafkaRecords.record(KafkaClients.name(envelope.topic(), "topic"),
				envelope);
		int size = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE,
				this.clients.compression(), bytes(record.key()), bytes(record.value()), record.headers().toArray());
		int limit = this.clients.maxRequestSize();
		if (size > limit) {
			throw new PayloadTooLargeException("Message for topic '" + envelope.topic() + "' is " + size
					+ " bytes as a Kafka record (payload, key and headers), over the producer's max.request.size of "
					+ limit);
		}
	}

	private static byte[] bytes(String value) {
		return (value != null) ? value.getBytes(StandardCharsets.UTF_8) : null;
	}

	@Override
	public CompletableFuture<Void> publish(Envelope envelope) {
		return publishAll(List.of(envelope));
	}

	/**
	 * Sends in list order from the caller's thread: the producer batches them and, being
	 * idempotent, keeps their order within each partition.
	 */
	@Override
	public CompletableFuture<Void> publishAll(List<Envelope> envelopes) {
		if (envelopes.isEmpty()) {
			return CompletableFuture.completedFuture(null);
		}
		// Built first: an invalid name or header fails the list before any send.
		List<ProducerRecord<String, String>> records = new ArrayList<>(envelopes.size());
		Set<String> topics = new LinkedHashSet<>();
		Set<String> delayed = new LinkedHashSet<>();
		long now = System.currentTimeMillis();
		for (Envelope envelope : envelopes) {
			String destination = this.delays.destination(envelope, now);
			records.add(KafkaRecords.record(destination, envelope));
			topics.add(envelope.topic());
			if (!destination.equals(envelope.topic())) {
				delayed.add(envelope.topic());
			}
		}
		KafkaTemplate<String, String> template = this.clients.template();
		List<CompletableFuture<?>> sent = new ArrayList<>(records.size());
		try {
			// Kafka would auto-create it with the broker's default partitions.
			this.clients.ensureTopics(topics);
			this.delays.publishing(delayed);
			for (ProducerRecord<String, String> record : records) {
				sent.add(template.send(record));
			}
		}
		catch (RuntimeException ex) {
			// No answer in time (topic creation, metadata): fail, do not hang.
			sent.add(CompletableFuture.failedFuture(ex));
		}
		return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
	}

}
