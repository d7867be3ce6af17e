package io.mqlab.order;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The legacy order service: takes orders over HTTP, prices them with the legacy rules and
 * publishes {@code OrderPlaced} to {@code ORDER}, mirroring each accepted request to the
 * rewrite.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class OrderServiceApplication {

	public static void main(String[] args) {
		builder().run(args);
	}

	/** Its own config file name, so several services can share one classpath in tests. */
	public static SpringApplicationBuilder builder() {
		return new SpringApplicationBuilder(OrderServiceApplication.class)
			.properties("spring.config.name=order-service");
	}

}
