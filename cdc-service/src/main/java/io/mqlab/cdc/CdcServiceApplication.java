package io.mqlab.cdc;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Change data capture of the catalog: the capture role streams the catalog database's
 * transaction log (Debezium, {@code pgoutput}) to {@code cdc.catalog.products} through
 * the messaging library; the sink roles apply it to a Redis cache, an OpenSearch index
 * and a MariaDB replica, each in a consumer group of its own, versioned by the source
 * LSN. Each role is switched on and off by a property so it scales on its own.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class CdcServiceApplication {

	public static void main(String[] args) {
		builder().run(args);
	}

	/** Its own config file name, so several services can share one classpath in tests. */
	public static SpringApplicationBuilder builder() {
		return new SpringApplicationBuilder(CdcServiceApplication.class).properties("spring.config.name=cdc-service");
	}

}
