package io.mqlab.catalog;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The product catalog: products in PostgreSQL over REST. It knows nothing about
 * messaging: cdc-service captures its changes from the database's transaction log.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CatalogServiceApplication {

	public static void main(String[] args) {
		builder().run(args);
	}

	/** Its own config file name, so several services can share one classpath in tests. */
	public static SpringApplicationBuilder builder() {
		return new SpringApplicationBuilder(CatalogServiceApplication.class)
			.properties("spring.config.name=catalog-service");
	}

}
