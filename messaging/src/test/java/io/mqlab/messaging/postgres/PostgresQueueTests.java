package io.mqlab.messaging.postgres;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.mqlab.messaging.MessageContext;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.OutgoingMessage;
import io.mqlab.messaging.contract.ContractApplication;
import io.mqlab.messaging.contract.LocalBrokers;
import io.mqlab.messaging.contract.Numbered;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * What the contract cannot see of the table queue: leases renewed for slow handlers, no
 * rows left behind, names checked before they reach SQL.
 */
class PostgresQueueTests {

	private final List<ConfigurableApplicationContext> contexts = new CopyOnWriteArrayList<>();

	private String topic;

	@BeforeEach
	void uniqueTopic() {
		LocalBrokers.requirePostgres();
		this.topic = "queue-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void renewsTheLeaseWhileAHandlerRunsLongerThanTheVisibilityTimeout() throws Exception {
		Messaging first = member();
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ConcurrentLinkedQueue<MessageContext> slow = new ConcurrentLinkedQueue<>();
		first.subscribe(this.topic, "slow", Numbered.class, (payload, context) -> {
			started.countDown();
			release.await(30, TimeUnit.SECONDS);
			slow.add(context);
		});
		first.publish(this.topic, "k", new Numbered("k", 1));
		assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
		Messaging second = member();
		ConcurrentLinkedQueue<MessageContext> other = new ConcurrentLinkedQueue<>();
		second.subscribe(this.topic, "slow", Numbered.class, (payload, context) -> other.add(context));
		// Three times the 1 s visibility timeout: without renewal the second member gets
		// it.
		await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(other::isEmpty);
		release.countDown();
		await().atMost(Duration.ofSeconds(30)).until(() -> slow.size() == 1);
		assertThat(slow.peek().redelivered()).isFalse();
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(other::isEmpty);
	}

	@Test
	void leavesNoRowsOnceEveryGroupHandledItsMessages() {
		Messaging messaging = member();
		JdbcTemplate jdbc = this.contexts.get(0).getBean(JdbcTemplate.class);
		ConcurrentLinkedQueue<Numbered> a = new ConcurrentLinkedQueue<>();
		ConcurrentLinkedQueue<Numbered> b = new ConcurrentLinkedQueue<>();
		messaging.subscribe(this.topic, "a", Numbered.class, (payload, context) -> a.add(payload));
		messaging.subscribe(this.topic, "b", Numbered.class, (payload, context) -> b.add(payload));
		List<OutgoingMessage> messages = new ArrayList<>();
		for (int i = 1; i <= 100; i++) {
			messages.add(OutgoingMessage.of(this.topic, "k" + (i % 7), new Numbered("k" + (i % 7), i)));
		}
		messaging.publishAll(messages);
		messaging.publish(this.topic + "-nobody", "k", new Numbered("k", 1));
		await().atMost(Duration.ofSeconds(60)).until(() -> a.size() == 100 && b.size() == 100);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> count(jdbc, "mqlab_delivery", this.topic) == 0
					&& count(jdbc, "mqlab_message", this.topic) == 0);
		assertThat(count(jdbc, "mqlab_message", this.topic + "-nobody")).isZero();
	}

	@Test
	void rejectsNamesOutsideTheSafeAlphabet() {
		Messaging messaging = member();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> messaging.publish("orders'; DROP TABLE x; --", "k", new Numbered("k", 1)))
			.withMessageContaining("[A-Za-z0-9._-]");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> messaging.subscribe(this.topic, "a b", Numbered.class, (payload, context) -> {
			}))
			.withMessageContaining("group");
		assertThatIllegalArgumentException().isThrownBy(() -> messaging.deadLetters().list(this.topic, "", 10));
	}

	private static long count(JdbcTemplate jdbc, String table, String topic) {
		// Table names are constants of this test; the topic is bound.
		Long count = jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE topic = ?", Long.class, topic);
		return (count != null) ? count : 0;
	}

	private Messaging member() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.main.banner-mode", "off");
		properties.put("spring.datasource.url", LocalBrokers.POSTGRES_URL);
		properties.put("spring.datasource.username", "postgres");
		properties.put("spring.flyway.enabled", false);
		properties.put("mqlab.messaging.backend", "postgres");
		properties.put("mqlab.messaging.visibility-timeout", "1s");
		properties.put("mqlab.messaging.outbox.relay-enabled", false);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ContractApplication.class)
			.web(WebApplicationType.NONE)
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context.getBean(Messaging.class);
	}

}
