package io.mqlab.order.order;

import io.mqlab.messaging.contract.TestBrokerConnections;
import io.mqlab.messaging.contract.TestBrokers;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * The tests' database ({@link TestBrokers}), schema {@value #SCHEMA}, for the service and
 * its queue. On the containers path the {@code @ServiceConnection} of
 * {@link TestBrokerConnections} connects the DataSource to the container; the queue's
 * properties are the library's own, so they are set here on both paths. One class for
 * every test, so they share one cached context.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import(TestBrokerConnections.Postgres.class)
class TestDatabase {

	static final String SCHEMA = "order_service_it";

	@Bean
	DynamicPropertyRegistrar testDatabaseProperties() {
		TestBrokers.Broker postgres = TestBrokers.postgres();
		return (registry) -> {
			for (String prefix : new String[] { "spring.datasource.", "mqlab.messaging.postgres." }) {
				registry.add(prefix + "url", () -> postgres.jdbcUrl(SCHEMA));
				registry.add(prefix + "username", postgres::username);
				registry.add(prefix + "password", postgres::password);
			}
		};
	}

}
