package io.mqlab.messaging.autoconfigure;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.contract.ContractApplication;
import io.mqlab.messaging.contract.LocalBrokers;
import io.mqlab.messaging.contract.Numbered;
import io.mqlab.messaging.outbox.Outbox;
import io.mqlab.messaging.outbox.OutboxRelay;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox health goes DOWN when its oldest unsent row waits longer than allowed (here
 * no relay runs), and UP again once the row is relayed.
 */
class OutboxHealthTests {

	@Test
	void isDownWhileTheOldestUnsentRowWaitsLongerThanTheMaximumAge() throws Exception {
		LocalBrokers.requirePostgres();
		String schema = "outbox_health_" + UUID.randomUUID().toString().substring(0, 8);
		try (var connection = DriverManager.getConnection(LocalBrokers.POSTGRES_URL, "postgres", "")) {
			connection.createStatement().execute("CREATE SCHEMA " + schema);
		}
		String topic = "outbox-health-" + UUID.randomUUID().toString().substring(0, 8);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ContractApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off",
					"spring.datasource.url=" + LocalBrokers.POSTGRES_URL + "?currentSchema=" + schema,
					"spring.datasource.username=postgres", "spring.flyway.enabled=false",
					"mqlab.messaging.backend=postgres", "mqlab.messaging.outbox.relay-enabled=false")
			.run()) {
			assertThat(context.containsBean("outboxHealthIndicator")).as("only where the relay runs").isFalse();
			Outbox outbox = context.getBean(Outbox.class);
			HealthIndicator health = new OutboxHealthIndicator(outbox, Duration.ofSeconds(1));
			assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
			TransactionTemplate transactions = new TransactionTemplate(
					context.getBean(PlatformTransactionManager.class));
			transactions.executeWithoutResult((status) -> outbox.publish(topic, "k", new Numbered("k", 1)));
			await().atMost(Duration.ofSeconds(10)).until(() -> health.health(true).getStatus().equals(Status.DOWN));
			Health down = health.health(true);
			assertThat(down.getDetails()).containsEntry("unsent", 1L).containsKey("reason");
			OutboxRelay relay = new OutboxRelay(context.getBean(JdbcTemplate.class), transactions,
					context.getBean(Messaging.class), Duration.ofMillis(100), 100, Duration.ofDays(1),
					Duration.ofSeconds(10), new SimpleMeterRegistry());
			assertThat(relay.relayOnce()).isEqualTo(1);
			assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
			assertThat(health.health(true).getDetails()).containsEntry("unsent", 0L).containsEntry("failed", 0L);
		}
		finally {
			try (var connection = DriverManager.getConnection(LocalBrokers.POSTGRES_URL, "postgres", "")) {
				connection.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
			}
		}
	}

}
