package io.mqlab.messaging.postgres;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.mqlab.messaging.BacklogProbe;
import io.mqlab.messaging.Delay;
import io.mqlab.messaging.MessageContext;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.OutgoingMessage;
import io.mqlab.messaging.RetrySettings;
import io.mqlab.messaging.SubscriptionSpec;
import io.mqlab.messaging.contract.ContractApplication;
import io.mqlab.messaging.contract.TestBrokers;
import io.mqlab.messaging.contract.Numbered;
import org.junit.jupiter.api.AfterEach;
import org.postgresql.Driver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * What the contract cannot see of the table queue: leases renewed for slow handlers, no
 * rows left behind, names checked before they reach SQL, how delayed rows are stored,
 * ordered and woken for.
 */
class PostgresQueueTests {

	private final List<ConfigurableApplicationContext> contexts = new CopyOnWriteArrayList<>();

	private String topic;

	@BeforeEach
	void uniqueTopic() {
		TestBrokers.postgres();
		this.topic = "queue-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		// Delayed rows a test left pending: nobody consumes this topic again.
		TestBrokers.Broker postgres = TestBrokers.postgres();
		JdbcTemplate jdbc = new JdbcTemplate(
				new SimpleDriverDataSource(new Driver(), postgres.jdbcUrl(), postgres.username(), postgres.password()));
		jdbc.update("DELETE FROM mqlab_delivery WHERE topic = ?", this.topic);
		jdbc.update("DELETE FROM mqlab_message WHERE topic = ?", this.topic);
		jdbc.update("DELETE FROM mqlab_subscription WHERE topic = ?", this.topic);
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
	void storesTheDueTimeToTheMillisecondAndCountsPendingRowsAsNoBacklog() {
		ConfigurableApplicationContext context = context(Map.of());
		Messaging messaging = context.getBean(Messaging.class);
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		messaging.provision(this.topic, "later");
		Instant due = Instant.now().plusSeconds(60);
		messaging.deliverAt(this.topic, "k", new Numbered("k", 1), due);
		messaging.publish(this.topic, "k", new Numbered("k", 2));
		Map<String, Object> row = jdbc.queryForMap("SELECT due_at = visible_at AS same, "
				+ "(extract(epoch FROM due_at) * 1000)::bigint AS millis FROM mqlab_delivery d "
				+ "JOIN mqlab_message m ON m.seq = d.message_seq WHERE d.topic = ? AND m.payload LIKE '%\"seq\":1%'",
				this.topic);
		assertThat(row).containsEntry("same", true).containsEntry("millis", due.toEpochMilli());
		assertThat(context.getBean(BacklogProbe.class).backlog(this.topic, "later")).isOne();
	}

	@Test
	void aDelayedMessageThatBecomesDueWaitsForTheMessageOfItsKeyInFlight() throws Exception {
		Messaging messaging = member();
		CountDownLatch release = new CountDownLatch(1);
		List<String> events = new CopyOnWriteArrayList<>();
		messaging.subscribe(new SubscriptionSpec(this.topic, "g", 4), Numbered.class, RetrySettings.DEFAULT,
				(payload, context) -> {
					events.add("start " + payload.seq());
					if (payload.seq() == 2) {
						release.await(30, TimeUnit.SECONDS);
					}
					events.add("end " + payload.seq());
				});
		messaging.publish(this.topic, "k", new Numbered("k", 1), Delay.of(Duration.ofMillis(500)));
		messaging.publish(this.topic, "k", new Numbered("k", 2));
		await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("start 2"));
		// Due meanwhile, but 2 holds the key: at most one message per key in flight.
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !events.contains("start 1"));
		release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 4);
		assertThat(events).containsExactly("start 2", "end 2", "start 1", "end 1");
	}

	@Test
	void wakesUpWhenEachDelayedMessageIsDueNotAtTheNextPoll() {
		Messaging messaging = context(
				Map.of("mqlab.messaging.postgres.poll-interval", "20s", "mqlab.messaging.visibility-timeout", "60s"))
			.getBean(Messaging.class);
		ConcurrentLinkedQueue<Duration> lateness = new ConcurrentLinkedQueue<>();
		messaging.subscribe(this.topic, "g", Numbered.class,
				(payload, context) -> lateness.add(Duration.between(context.envelope().deliverAt(), Instant.now())));
		// Due every 5 ms, so rows fall due between a claim and the look-up that follows.
		Instant first = Instant.now().plusSeconds(2);
		List<OutgoingMessage> messages = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			messages.add(OutgoingMessage.of(this.topic, "k" + i, new Numbered("k" + i, 1))
				.deliverAt(first.plusMillis(5L * (199 - i))));
		}
		messaging.publishAll(messages);
		await().atMost(Duration.ofSeconds(15)).until(() -> lateness.size() == 200);
		assertThat(lateness).allSatisfy((late) -> assertThat(late).isBetween(Duration.ZERO, Duration.ofSeconds(2)));
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

	@Test
	void anAckMatchesEachRowWithItsOwnLeaseSoAClaimThatRanOutCannotDeleteALaterOne() {
		ConfigurableApplicationContext context = context(Map.of());
		Messaging messaging = context.getBean(Messaging.class);
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		messaging.provision(this.topic, "g");
		for (int i = 1; i <= 4; i++) {
			messaging.publish(this.topic, "k" + i, new Numbered("k" + i, i));
		}
		QueueTable table = new QueueTable(context.getBean(QueueDatabase.class), Duration.ofMillis(300));
		QueueTable.Claimed expired = table.claim(this.topic, "g", 1, 0).rows().get(0);
		// Its handler is slower than the lease (and renewal failed): the row is claimable
		// again and this consumer's next claim takes it with the next head.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> Boolean.TRUE.equals(jdbc.queryForObject(
					"SELECT visible_at <= now() FROM mqlab_delivery WHERE id = ?", Boolean.class, expired.id())));
		List<QueueTable.Claimed> again = table.claim(this.topic, "g", 2, 0).rows();
		assertThat(again).extracting(QueueTable.Claimed::id).contains(expired.id());
		QueueTable.Claimed reclaimed = again.stream().filter((row) -> row.id() == expired.id()).findFirst().get();
		QueueTable.Claimed other = again.stream().filter((row) -> row.id() != expired.id()).findFirst().get();
		// The first handler finishes and its ack goes out in one batch with another row
		// of
		// the second claim: only that row is deleted, the reclaimed one is still leased.
		assertThat(table.ack(this.topic, "g", List.of(expired, other))).containsExactly(other.held());
		assertThat(jdbc.queryForObject("SELECT count(*) FROM mqlab_delivery WHERE id = ? AND lease = ?", Integer.class,
				reclaimed.id(), reclaimed.lease()))
			.isEqualTo(1);
		assertThat(table.extend(List.of(expired))).isZero();
		assertThat(table.extend(List.of(expired, reclaimed))).isEqualTo(1);
		assertThat(table.ack(this.topic, "g", List.of(reclaimed))).containsExactly(reclaimed.held());
	}

	private static long count(JdbcTemplate jdbc, String table, String topic) {
		// Table names are constants of this test; the topic is bound.
		Long count = jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE topic = ?", Long.class, topic);
		return (count != null) ? count : 0;
	}

	private Messaging member() {
		return context(Map.of()).getBean(Messaging.class);
	}

	private ConfigurableApplicationContext context(Map<String, Object> extra) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.main.banner-mode", "off");
		TestBrokers.Broker postgres = TestBrokers.postgres();
		properties.put("spring.datasource.url", postgres.jdbcUrl());
		properties.put("spring.datasource.username", postgres.username());
		properties.put("spring.datasource.password", postgres.password());
		properties.put("spring.flyway.enabled", false);
		properties.put("mqlab.messaging.backend", "postgres");
		properties.put("mqlab.messaging.visibility-timeout", "1s");
		properties.put("mqlab.messaging.outbox.relay-enabled", false);
		properties.putAll(extra);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ContractApplication.class)
			.web(WebApplicationType.NONE)
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

}
