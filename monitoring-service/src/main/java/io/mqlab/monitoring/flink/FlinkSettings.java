package io.mqlab.monitoring.flink;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code mqlab.monitoring.flink}, read with
 * {@code mqlab.monitoring.engine=flink}.
 *
 * @param local run the job in a mini-cluster inside the service; {@code false} when the
 * job jar was submitted to a Flink cluster (the service then serves, evaluates absence
 * and notifies, and processes nothing itself)
 * @param checkpointDir where the local job's checkpoints are written
 * @param checkpointInterval how often the local job checkpoints (and commits its Kafka
 * offsets to the group)
 * @param parallelism the local job's parallelism
 */
@ConfigurationProperties("mqlab.monitoring.flink")
public record FlinkSettings(@DefaultValue("true") boolean local,
		@DefaultValue("data/flink-checkpoints") Path checkpointDir, @DefaultValue("5s") Duration checkpointInterval,
		@DefaultValue("2") int parallelism) {

}
