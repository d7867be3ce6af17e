package io.mqlab.monitoring.flink;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import io.mqlab.monitoring.MonitoringSettings;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import org.springframework.boot.convert.DurationStyle;

/**
 * The monitoring job: the {@code metrics} topic (the group's committed offsets, else the
 * earliest), keyed by instance, through the shared processing step into Redis; batches
 * that cannot be read to the group's dead-letter topic.
 * <p>
 * Checkpoints are at-least-once: a restart replays what came after the last one, and the
 * step writes idempotently (each batch's rollups once per instance and time, alert states
 * compare-and-set by event time), so the outputs are the same as exactly once without
 * aligning barriers or Kafka transactions. The Kafka offsets are committed to the group
 * at each checkpoint, which is where a restarted job starts.
 * <p>
 * {@link #main} runs it on a Flink cluster from the job jar ({@code -flink-job}
 * classifier), with the service's property names as arguments, e.g.
 * {@code --spring.kafka.bootstrap-servers=kafka:9092 --spring.data.redis.host=redis}.
 */
public final class MonitoringJob {

	static final String NAME = "mqlab-monitoring";

	private MonitoringJob() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> properties = ParameterTool.fromArgs(args).toMap();
		StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
		Duration interval = DurationStyle
			.detectAndParse(properties.getOrDefault("mqlab.monitoring.flink.checkpoint-interval", "10s"));
		env.enableCheckpointing(interval.toMillis(), CheckpointingMode.AT_LEAST_ONCE);
		define(env, properties);
		env.execute(NAME);
	}

	/**
	 * Adds the job as it runs on a cluster: its own Redis connection, settings from the
	 * service's property names.
	 */
	public static void define(StreamExecutionEnvironment env, Map<String, String> properties) {
		String bootstrap = properties.getOrDefault("spring.kafka.bootstrap-servers", "localhost:9092");
		define(env, bootstrap, new Properties(), RedisProcessors.settings(properties), new RedisProcessors(properties));
	}

	/**
	 * Adds the job to the environment.
	 * @param kafka extra Kafka client properties (security)
	 */
	static void define(StreamExecutionEnvironment env, String bootstrapServers, Properties kafka,
			MonitoringSettings settings, ProcessorSource processors) {
		KafkaSource<MetricsRecord> source = KafkaSource.<MetricsRecord>builder()
			.setBootstrapServers(bootstrapServers)
			.setProperties(kafka)
			.setTopics(settings.metricsTopic())
			.setGroupId(settings.group())
			.setClientIdPrefix(settings.group() + "-flink")
			.setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
			.setProperty("partition.discovery.interval.ms", "30000")
			.setDeserializer(new MetricsRecordDeserializer())
			.build();
		KafkaSink<MetricsRecord> deadLetters = KafkaSink.<MetricsRecord>builder()
			.setBootstrapServers(bootstrapServers)
			.setKafkaProducerConfig(kafka)
			.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
			.setRecordSerializer(new DeadLetterSerializer(settings.metricsTopic(), settings.group()))
			.build();
		env.fromSource(source, WatermarkStrategy.noWatermarks(), "metrics")
			.uid("metrics-source")
			.keyBy((record) -> record.key)
			.process(new SampleBatchFunction(processors))
			.uid("process-batches")
			.name("roll up and evaluate rules")
			.sinkTo(deadLetters)
			.uid("dead-letters")
			.name("dead letters");
	}

}
