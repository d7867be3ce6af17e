package io.mqlab.support.metrics;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the metrics agent every service with messaging runs.
 */
@ConfigurationProperties("mqlab.metrics.agent")
public class MetricsAgentProperties {

	/** Whether the agent samples and publishes. */
	private boolean enabled = true;

	/** How often a batch is sampled and published. */
	private Duration interval = Duration.ofSeconds(5);

	/** Where the batches go. */
	private String topic = "metrics";

	/**
	 * Unsent batches kept while the broker is unreachable (120 = 10 minutes at 5 s); the
	 * oldest is dropped first.
	 */
	private int bufferSize = 120;

	/** The instance id; default {@code <service>-<host>-<pid>}. */
	private String instance;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getInterval() {
		return this.interval;
	}

	public void setInterval(Duration interval) {
		this.interval = interval;
	}

	public String getTopic() {
		return this.topic;
	}

	public void setTopic(String topic) {
		this.topic = topic;
	}

	public int getBufferSize() {
		return this.bufferSize;
	}

	public void setBufferSize(int bufferSize) {
		this.bufferSize = bufferSize;
	}

	public String getInstance() {
		return this.instance;
	}

	public void setInstance(String instance) {
		this.instance = instance;
	}

}
