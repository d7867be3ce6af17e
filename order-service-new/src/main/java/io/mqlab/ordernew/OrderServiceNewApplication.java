package io.mqlab.ordernew;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The rewrite of the order service, run beside the legacy one: it prices every mirrored
 * request with its own rules and publishes its {@code OrderPlaced} to {@code ORDERNEW}
 * for reconciliation.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class OrderServiceNewApplication {

	public static void main(String[] args) {
		builder().run(args);
	}

	/** Its own config file name, so several services can share one classpath in tests. */
	public static SpringApplicationBuilder builder() {
		return new SpringApplicationBuilder(OrderServiceNewApplication.class)
			.properties("spring.config.name=order-service-new");
	}

}
