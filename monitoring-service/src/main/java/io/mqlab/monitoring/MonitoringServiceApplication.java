package io.mqlab.monitoring;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Monitors the platform: reads every instance's sample batches from {@code metrics},
 * rolls them up by event time into Redis, evaluates alert rules on them, publishes each
 * alert transition once to {@code alerts}, notifies webhooks, and serves the series,
 * alerts and a live dashboard.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class MonitoringServiceApplication {

	public static void main(String[] args) {
		builder().run(args);
	}

	/** Its own config file name, so several services can share one classpath in tests. */
	public static SpringApplicationBuilder builder() {
		return new SpringApplicationBuilder(MonitoringServiceApplication.class)
			.properties("spring.config.name=monitoring-service");
	}

}
