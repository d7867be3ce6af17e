package io.mqlab.messaging.outbox;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.contract.ContractApplication;
import io.mqlab.messaging.contract.TestBrokers;
import io.mqlab.messaging.contract.Numbered;
import io.mqlab.messaging.contract.Received;
import io.mqlab.messaging.contract.Recorder;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay never publishes past a row whose transaction is still open: a later commit of
 * the same key must not overtake an earlier, slower transaction.
 */
class OutboxRelayOrderTests {

	@Test
	void waitsForATransactionStillOpenBeforePublishingLaterRows() throws Exception {
		TestBrokers.Broker postgres = TestBrokers.postgres();
		// a schema of its own: no other test's outbox rows in the way
		String url = postgres.jdbcUrl("outbox_order_it");
		try (var connection = java.sql.DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(),
				postgres.password())) {
			connection.createStatement().execute("DROP SCHEMA IF EXISTS outbox_order_it CASCADE");
			connection.createStatement().execute("CREATE SCHEMA outbox_order_it");
		}
		String topic = "outbox-order-" + UUID.randomUUID().toString().substring(0, 8);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ContractApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "spring.datasource.url=" + url,
					"spring.datasource.username=" + postgres.username(),
					"spring.datasource.password=" + postgres.password(), "spring.flyway.enabled=false",
					"mqlab.messaging.backend=postgres", "mqlab.messaging.outbox.relay-enabled=false")
			.run()) {
			Messaging messaging = context.getBean(Messaging.class);
			Outbox outbox = context.getBean(Outbox.class);
			TransactionTemplate transactions = new TransactionTemplate(
					context.getBean(PlatformTransactionManager.class));
			OutboxRelay relay = new OutboxRelay(context.getBean(JdbcTemplate.class), transactions, messaging,
					Duration.ofMillis(100), 100, Duration.ofDays(1), Duration.ofSeconds(10), new SimpleMeterRegistry());
			Recorder recorder = new Recorder();
			messaging.subscribe(topic, "order", Numbered.class, recorder.handler("m"));

			CountDownLatch firstWritten = new CountDownLatch(1);
			CountDownLatch commitFirst = new CountDownLatch(1);
			Thread slow = new Thread(() -> transactions.executeWithoutResult((status) -> {
				outbox.publish(topic, "k", new Numbered("k", 1));
				firstWritten.countDown();
				try {
					commitFirst.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}));
			slow.start();
			assertThat(firstWritten.await(30, TimeUnit.SECONDS)).isTrue();
			transactions.executeWithoutResult((status) -> outbox.publish(topic, "k", new Numbered("k", 2)));

			assertThat(relay.relayOnce()).as("nothing may pass the open transaction").isZero();
			commitFirst.countDown();
			slow.join();
			await().atMost(Duration.ofSeconds(30)).until(() -> relay.relayOnce() == 0 && recorder.size() == 2);
			assertThat(recorder.all()).extracting(Received::seq).containsExactly(1, 2);
		}
	}

}
