package io.mqlab.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import io.mqlab.messaging.Backend;

/**
 * The knobs that decide a fair comparison, applied alike to mqlab (as the properties the
 * library reads) and to the native tool of the same backend (as its own options).
 *
 * @param partitions partitions per topic ({@code mqlab.messaging.partitions}); also the
 * native Kafka topic's partitions
 * @param lingerMs Kafka producer linger ({@code linger.ms}; 0 as the library's default)
 * @param batchBytes Kafka producer batch size ({@code batch.size})
 * @param prefetch RabbitMQ unacknowledged messages per consumer
 * @param pipeline messages mqlab publishes per batch ({@code publishAll}); PerfTest's
 * outstanding confirms; redis-benchmark's pipeline depth
 * @param pollBatch messages per poll: Kafka {@code max.poll.records}, Redis XREADGROUP
 * COUNT, PostgreSQL rows per claim
 * @param extra more Spring properties for the mqlab contexts ({@code --set name=value})
 */
public record Tuning(int partitions, int lingerMs, int batchBytes, int prefetch, int pipeline, int pollBatch,
		Map<String, String> extra) {

	public static final Tuning DEFAULTS = new Tuning(8, 0, 16384, 50, 100, 100, Map.of());

	public Tuning {
		extra = Map.copyOf(extra);
		if (partitions < 1 || prefetch < 1 || pipeline < 1 || pollBatch < 1 || lingerMs < 0 || batchBytes < 1) {
			throw new IllegalArgumentException("--partitions, --prefetch, --pipeline, --poll-batch and --batch-bytes "
					+ "must be at least 1, --linger-ms at least 0");
		}
	}

	/** The library properties these knobs map to on a backend, extras last. */
	public Map<String, Object> springProperties(Backend backend) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("mqlab.messaging.partitions", this.partitions);
		switch (backend) {
			case KAFKA -> {
				properties.put("spring.kafka.producer.properties.linger.ms", this.lingerMs);
				properties.put("spring.kafka.producer.properties.batch.size", this.batchBytes);
				properties.put("spring.kafka.consumer.max-poll-records", this.pollBatch);
			}
			case RABBITMQ -> properties.put("mqlab.messaging.rabbitmq.prefetch", this.prefetch);
			case REDIS -> properties.put("mqlab.messaging.redis.batch-size", this.pollBatch);
			case POSTGRES -> properties.put("mqlab.messaging.postgres.batch-size", this.pollBatch);
		}
		properties.putAll(this.extra);
		return properties;
	}

}
