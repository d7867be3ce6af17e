package io.mqlab.recommendation;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Turns a click stream into recommendations: takes clicks over HTTP and publishes them to
 * {@code clicks}, aggregates clicks and {@code OrderPlaced} events into Redis, serves
 * recommendations, trending products and related products from that state, and writes the
 * stream out as training data.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class RecommendationServiceApplication {

	public static void main(String[] args) {
		builder().run(args);
	}

	/** Its own config file name, so several services can share one classpath in tests. */
	public static SpringApplicationBuilder builder() {
		return new SpringApplicationBuilder(RecommendationServiceApplication.class)
			.properties("spring.config.name=recommendation-service");
	}

}
