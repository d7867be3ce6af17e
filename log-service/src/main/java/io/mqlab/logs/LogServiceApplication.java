package io.mqlab.logs;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Log shipping, indexing and search, the ELK pattern over the queue: the shipper tails
 * log files and publishes their lines to {@code logs}, the indexer bulk-indexes them into
 * OpenSearch's daily {@code logs-*} indices, and the search API and page read them back.
 * Each role can run alone ({@code mqlab.logs.<role>.enabled}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class LogServiceApplication {

	public static void main(String[] args) {
		builder().run(args);
	}

	/** Its own config file name, so several services can share one classpath in tests. */
	public static SpringApplicationBuilder builder() {
		return new SpringApplicationBuilder(LogServiceApplication.class).properties("spring.config.name=log-service");
	}

}
