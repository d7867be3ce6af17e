package io.mqlab.monitoring;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.monitoring.flink.MonitoringJob;
import io.mqlab.monitoring.metrics.MetricsSampled;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The same tests with the Flink engine: the job in the service's local mini-cluster reads
 * the run's {@code metrics} topic and runs the same processing step and rules into the
 * same Redis keys; the API, alerting and notifications are the service's as they are.
 */
class KafkaFlinkMonitoringServiceTests extends MonitoringServiceTests {

	KafkaFlinkMonitoringServiceTests() {
		super(TestBroker.of("kafka"),
				Map.of("mqlab.monitoring.engine", "flink", "mqlab.monitoring.flink.parallelism", "1",
						"mqlab.monitoring.flink.checkpoint-dir", "target/flink-checkpoints",
						"logging.level.org.apache.flink", "WARN"));
	}

	@Test
	void theJobIsInTheHealth() {
		HealthIndicator job = this.context.getBean("flinkJobHealthIndicator", HealthIndicator.class);
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(job.health().getStatus()).isEqualTo(Status.UP));
		assertThat(job.health().getDetails()).containsEntry("status", "RUNNING");
	}

	@Test
	void aBatchThatCannotBePlacedEndsInTheDeadLetters() {
		String instance = "nowhere-" + this.run;
		// no time: no window to put it in
		this.messaging.publish(metricsTopic(), instance,
				new MetricsSampled("test-service", instance, "test-host", 1L, null, 1, List.of(sample("test.x", 1))));
		await().atMost(PATIENCE)
			.untilAsserted(
					() -> assertThat(this.messaging.deadLetters().list(metricsTopic(), "monitoring-" + this.run, 50))
						.anySatisfy((letter) -> {
							assertThat(letter.envelope().key()).isEqualTo(instance);
							assertThat(letter.errorMessage()).contains("needs a time");
						}));
	}

	@Test
	void theJobAsSubmittedToAClusterWritesWhatTheServiceReads() throws Exception {
		// the job jar's definition, on its own Redis connection, from another topic
		String topic = metricsTopic() + "-cluster";
		String instance = "cluster-" + this.run;
		publish(topic, instance, Instant.now(), sample("process.threads", 7));
		Map<String, String> properties = new HashMap<>(TestBroker.redisProperties());
		properties.put("spring.kafka.bootstrap-servers", String.join(",",
				this.context.getBean(KafkaConnectionDetails.class).getConsumer().getBootstrapServers()));
		properties.put("mqlab.monitoring.key-prefix", "mon-" + this.run);
		properties.put("mqlab.monitoring.metrics-topic", topic);
		properties.put("mqlab.monitoring.group", "monitoring-cluster-" + this.run);
		StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
		MonitoringJob.define(env, properties);
		JobClient job = env.executeAsync();
		try {
			await().atMost(PATIENCE)
				.untilAsserted(() -> assertThat(this.api.get("/metrics/instances")
					.body()
					.get("instances")
					.valueStream()
					.map((node) -> node.get("instance").asString())).contains(instance));
		}
		finally {
			job.cancel().get(30, TimeUnit.SECONDS);
		}
	}

	@Test
	void theFlinkEngineRefusesToStartOnAnotherBackend() {
		List<String> args = new ArrayList<>(List.of("--spring.profiles.active=redis", "--server.port=0",
				"--spring.main.banner-mode=off", "--mqlab.metrics.agent.enabled=false",
				"--mqlab.monitoring.engine=flink", "--mqlab.monitoring.key-prefix=mon-" + this.run + "-refused"));
		TestBroker.redisProperties().forEach((name, value) -> args.add("--" + name + "=" + value));
		assertThatThrownBy(() -> MonitoringServiceApplication.builder().run(args.toArray(String[]::new))).rootCause()
			.hasMessageContaining("mqlab.monitoring.engine=flink needs the kafka backend, not redis");
	}

}
