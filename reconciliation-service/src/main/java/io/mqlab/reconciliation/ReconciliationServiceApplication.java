package io.mqlab.reconciliation;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Compares what the legacy service published to {@code ORDER} with what the rewrite
 * published to {@code ORDERNEW}, order by order and field by field, before the migration.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class ReconciliationServiceApplication {

	public static void main(String[] args) {
		builder().run(args);
	}

	/** Its own config file name, so several services can share one classpath in tests. */
	public static SpringApplicationBuilder builder() {
		return new SpringApplicationBuilder(ReconciliationServiceApplication.class)
			.properties("spring.config.name=reconciliation-service");
	}

}
