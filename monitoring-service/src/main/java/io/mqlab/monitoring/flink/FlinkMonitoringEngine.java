package io.mqlab.monitoring.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.mqlab.messaging.Backend;
import io.mqlab.messaging.MessageSubscriber;
import io.mqlab.messaging.Messaging;
import io.mqlab.monitoring.MonitoringSettings;
import io.mqlab.monitoring.metrics.MetricsProcessor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.util.FileSystemUtils;

/**
 * The Flink engine ({@code mqlab.monitoring.engine=flink}, the kafka backend only): runs
 * {@link MonitoringJob} in a local mini-cluster inside the service, on the service's own
 * processing step, with checkpoints under {@code mqlab.monitoring.flink.checkpoint-dir}.
 * Started with the context, cancelled when it closes; refuses to start on another
 * backend. One instance of the service runs the local job: Flink assigns the partitions
 * itself, so a second one would process every batch again (harmlessly, the step is
 * idempotent).
 */
@Component
@ConditionalOnProperty(name = "mqlab.monitoring.engine", havingValue = "flink")
class FlinkMonitoringEngine implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(FlinkMonitoringEngine.class);

	private final MetricsProcessor processor;

	private final MessageSubscriber subscriber;

	private final ObjectProvider<KafkaConnectionDetails> connection;

	private final MonitoringSettings settings;

	private final FlinkSettings flink;

	private InServiceProcessors registered;

	private JobClient job;

	FlinkMonitoringEngine(Messaging messaging, MetricsProcessor processor, MessageSubscriber subscriber,
			ObjectProvider<KafkaConnectionDetails> connection, MonitoringSettings settings, FlinkSettings flink) {
		if (messaging.backend() != Backend.KAFKA) {
			throw new IllegalStateException("mqlab.monitoring.engine=flink needs the kafka backend, not "
					+ messaging.backend().id() + ": set mqlab.monitoring.engine=messaging or use the kafka profile");
		}
		this.processor = processor;
		this.subscriber = subscriber;
		this.connection = connection;
		this.settings = settings;
		this.flink = flink;
	}

	@Override
	public synchronized void start() {
		if (!this.flink.local()) {
			logger.info("Flink engine: the job runs on a Flink cluster; nothing processed here");
			return;
		}
		// the topic and its dead-letter topic, as a listener's subscription makes them
		this.subscriber.provision(this.settings.metricsTopic(), this.settings.group());
		this.registered = InServiceProcessors.register(this.processor);
		StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(configuration());
		env.setParallelism(this.flink.parallelism());
		env.enableCheckpointing(this.flink.checkpointInterval().toMillis(), CheckpointingMode.AT_LEAST_ONCE);
		String bootstrap = String.join(",", this.connection.getObject().getConsumer().getBootstrapServers());
		MonitoringJob.define(env, bootstrap, new Properties(), this.settings, this.registered);
		try {
			this.job = env.executeAsync(MonitoringJob.NAME);
		}
		catch (Exception ex) {
			this.registered.unregister();
			throw new IllegalStateException("Cannot start the Flink monitoring job: " + ex, ex);
		}
		logger.info("Flink engine: job " + this.job.getJobID() + " runs in a local mini-cluster, checkpoints in "
				+ this.flink.checkpointDir().toAbsolutePath());
	}

	/** A small mini-cluster: the job keeps no state of its own (it is all in Redis). */
	private Configuration configuration() {
		Configuration config = new Configuration();
		// Flink's job manager loads a job without jars or class paths with the system
		// class
		// loader, which in the service's jar does not see its nested jars (Flink's own
		// included): a class path entry without classes makes it use a loader over this
		// one's, parent first, so the job shares the service's classes (and its step)
		Path classPath = this.flink.checkpointDir().toAbsolutePath().resolve("classpath");
		try {
			Files.createDirectories(classPath);
			config.set(PipelineOptions.CLASSPATHS, List.of(classPath.toUri().toURL().toString()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create " + classPath, ex);
		}
		config.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "parent-first");
		config.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
		config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
				this.flink.checkpointDir().toAbsolutePath().toUri().toString());
		config.set(TaskManagerOptions.NUM_TASK_SLOTS, this.flink.parallelism());
		config.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("16m"));
		config.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("16m"));
		config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("16m"));
		return config;
	}

	@Override
	public synchronized void stop() {
		if (this.job == null) {
			return;
		}
		try {
			this.job.cancel().get(30, TimeUnit.SECONDS);
			// completes once the mini-cluster took the job down
			this.job.getJobExecutionResult().handle((result, error) -> null).get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			logger.warn("Flink monitoring job " + this.job.getJobID() + " did not stop cleanly: " + ex);
		}
		finally {
			// cancelled, the job's checkpoints are deleted; its empty folders too
			FileSystemUtils
				.deleteRecursively(this.flink.checkpointDir().resolve(this.job.getJobID().toString()).toFile());
			this.job = null;
			this.registered.unregister();
		}
	}

	/** The local job's status, or {@code null} when none runs here. */
	JobStatus status() throws Exception {
		JobClient current;
		synchronized (this) {
			current = this.job;
		}
		return (current != null) ? current.getJobStatus().get(2, TimeUnit.SECONDS) : null;
	}

	@Override
	public synchronized boolean isRunning() {
		return this.job != null;
	}

}
