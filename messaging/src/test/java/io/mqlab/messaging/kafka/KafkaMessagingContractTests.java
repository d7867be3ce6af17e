package io.mqlab.messaging.kafka;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.mqlab.messaging.Backend;
import io.mqlab.messaging.Capability;
import io.mqlab.messaging.Delay;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.OutgoingMessage;
import io.mqlab.messaging.PayloadTooLargeException;
import io.mqlab.messaging.contract.MessagingContractTests;
import io.mqlab.messaging.contract.Numbered;
import io.mqlab.messaging.contract.Received;
import io.mqlab.messaging.contract.Recorder;
import io.mqlab.messaging.contract.TcpProxy;
import io.mqlab.messaging.outbox.Outbox;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The contract against an in-JVM KRaft broker that the tests' proxies can cut off
 * ({@link ProxiedKafkaBroker}).
 */
class KafkaMessagingContractTests extends MessagingContractTests {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private static ProxiedKafkaBroker broker;

	@BeforeAll
	static void startBroker() {
		broker = ProxiedKafkaBroker.start();
	}

	@AfterAll
	static void stopBroker() {
		broker.close();
	}

	@Override
	protected Backend backend() {
		return Backend.KAFKA;
	}

	@Override
	protected Map<String, Object> brokerProperties() {
		return properties(broker.bootstrapServers());
	}

	@Override
	protected int brokerPort() {
		return broker.proxiedListenerPort();
	}

	@Override
	protected TcpProxy newProxy() {
		return broker.newProxy();
	}

	@Override
	protected Map<String, Object> brokerPropertiesVia(int proxyPort) {
		return properties("127.0.0.1:" + proxyPort);
	}

	@Override
	protected Set<Capability> expectedCapabilities() {
		return Set.of(Capability.PER_KEY_ORDER, Capability.FAN_OUT, Capability.REPLAY, Capability.RETENTION,
				Capability.BACKLOG, Capability.DELAYED_DELIVERY, Capability.BATCHES);
	}

	// ---- what the contract cannot see: which deliveries are flagged redelivered

	@Test
	void outboxRejectsAReservedHeaderAndARecordOverMaxRequestSizeInTheCallersTransaction() {
		ConfigurableApplicationContext context = member();
		Outbox outbox = context.getBean(Outbox.class);
		TransactionTemplate transactions = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		assertThatThrownBy(() -> transactions.execute((status) -> outbox
			.publish(OutgoingMessage.of(this.topic, "k", new Numbered("k", 1)).withHeader("mqlab.id", "forged"))))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("mqlab.");
		// Under mqlab.messaging.max-payload-bytes (1 MiB) as JSON, over the producer's
		// max.request.size (1 MiB) once key and headers are added.
		String justUnder = "x".repeat(1024 * 1024 - 2 - 64);
		assertThatThrownBy(() -> transactions.execute((status) -> outbox.publish(this.topic, "k", justUnder)))
			.isInstanceOf(PayloadTooLargeException.class)
			.hasMessageContaining("max.request.size");
	}

	@Test
	void flagsWhatAMemberHeldWhenItsPartitionMovedAndNothingElse() {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger held = new AtomicInteger();
		// Stuck in a handler past max.poll.interval.ms, the member loses its partitions
		// as if it had crashed.
		Messaging stuck = messaging(member(Map.of("spring.kafka.consumer.properties.max.poll.interval.ms", "3000")));
		try {
			stuck.subscribe(this.topic, "moved", Numbered.class, (payload, context) -> {
				held.incrementAndGet();
				release.await();
			});
			stuck.publish(this.topic, "k", new Numbered("k", 1));
			await().atMost(PATIENCE).until(() -> held.get() == 1);
			Messaging other = messaging(member());
			Recorder recorder = new Recorder();
			other.subscribe(this.topic, "moved", Numbered.class, recorder.handler("other"));
			await().atMost(PATIENCE).until(() -> recorder.size() == 1);
			other.publish(this.topic, "k", new Numbered("k", 2));
			await().atMost(PATIENCE).until(() -> recorder.distinctKeySeqs().size() == 2);
			assertThat(recorder.all()).extracting(Received::seq, Received::redelivered)
				.containsExactly(tuple(1, true), tuple(2, false));
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void flagsNothingAfterAGracefulHandOver() {
		Messaging messaging = messaging(member());
		Recorder recorder = new Recorder();
		var first = messaging.subscribe(this.topic, "handover", Numbered.class, recorder.handler("first"));
		messaging.publish(this.topic, "k", new Numbered("k", 1));
		await().atMost(PATIENCE).until(() -> recorder.size() == 1);
		first.stop();
		messaging.publish(this.topic, "k", new Numbered("k", 2));
		messaging.subscribe(this.topic, "handover", Numbered.class, recorder.handler("second"));
		await().atMost(PATIENCE).until(() -> recorder.size() == 2);
		assertThat(recorder.all()).extracting(Received::member, Received::redelivered)
			.containsExactly(tuple("first", false), tuple("second", false));
	}

	// ---- delayed delivery: the Kafka specifics

	@Test
	void aSubscriberForwardsTheDelayedMessagesOfAPublisherThatStopped() {
		Messaging consumer = messaging(member());
		Recorder recorder = new Recorder();
		ConcurrentLinkedQueue<Instant> handledAt = new ConcurrentLinkedQueue<>();
		consumer.subscribe(this.topic, "forwarded", Numbered.class, (payload, context) -> {
			handledAt.add(Instant.now());
			recorder.record("consumer", payload, context);
		});
		// The topic has no delay topics yet: the publisher creates them, forwards, and
		// goes.
		ConfigurableApplicationContext publisher = member();
		Instant due = Instant.now().plusSeconds(2);
		messaging(publisher).deliverAt(this.topic, "k", new Numbered("k", 1), due);
		publisher.close();
		await().atMost(PATIENCE).until(() -> recorder.size() == 1);
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> recorder.size() == 1);
		assertThat(handledAt.peek()).isAfterOrEqualTo(due.truncatedTo(ChronoUnit.MILLIS)).isBefore(due.plusSeconds(10));
		assertThat(recorder.all()).extracting(Received::redelivered).containsExactly(false);
	}

	@Test
	void aForwarderThatDiedBeforeItsCommitForwardsAgainFlagged() {
		ConfigurableApplicationContext first = member();
		Recorder recorder = new Recorder();
		messaging(first).subscribe(this.topic, "again", Numbered.class, recorder.handler("first"));
		messaging(first).publish(this.topic, "k", new Numbered("k", 1), Delay.of(Duration.ofMillis(500)));
		await().atMost(PATIENCE).until(() -> recorder.size() == 1);
		first.close();
		// As if its forwarder had died after forwarding, before committing.
		Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
		OffsetAndMetadata start = new KafkaRedeliveries(500).provide(null, 0);
		KafkaDelayTiers.topics(this.topic).forEach((tier) -> uncommitted.put(new TopicPartition(tier, 0), start));
		try (Admin admin = Admin
			.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
			await().atMost(PATIENCE)
				.ignoreExceptions()
				.until(() -> admin.alterConsumerGroupOffsets(KafkaDelayTiers.group(this.topic), uncommitted)
					.all()
					.get(10, TimeUnit.SECONDS) == null);
		}
		messaging(member()).subscribe(this.topic, "again", Numbered.class, recorder.handler("second"));
		await().atMost(PATIENCE).until(() -> recorder.size() > 1);
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> recorder.size() > 1);
		List<Received> all = recorder.all();
		assertThat(all.get(0).redelivered()).isFalse();
		assertThat(all.subList(1, all.size())).isNotEmpty().allMatch(Received::redelivered);
		assertThat(recorder.unexplainedDuplicates()).isEmpty();
	}

	@Test
	void consumerCheckModeHoldsTheWholePartitionUntilItsHeadIsDue() throws Exception {
		Map<String, Object> consumerCheck = Map.of("mqlab.messaging.kafka.delay-mode", "consumer-check",
				"mqlab.messaging.partitions", "1");
		Messaging messaging = messaging(member(consumerCheck));
		ConcurrentLinkedQueue<String> handled = new ConcurrentLinkedQueue<>();
		Map<String, Instant> handledAt = new ConcurrentHashMap<>();
		messaging.subscribe(this.topic, "checked", Numbered.class, (payload, context) -> {
			handled.add(payload.key());
			handledAt.put(payload.key(), Instant.now());
		});
		messaging.publish(this.topic, "first", new Numbered("first", 1));
		await().atMost(PATIENCE).until(() -> handled.size() == 1);
		Instant due = Instant.now().plusSeconds(2);
		messaging.deliverAt(this.topic, "delayed", new Numbered("delayed", 1), due);
		// Not delayed, another key, but on the same partition behind the delayed one.
		messaging.publish(this.topic, "behind", new Numbered("behind", 1));
		await().atMost(PATIENCE).until(() -> handled.size() == 3);
		assertThat(handled).containsExactly("first", "delayed", "behind");
		assertThat(handledAt.get("delayed")).isAfterOrEqualTo(due.truncatedTo(ChronoUnit.MILLIS))
			.isBefore(due.plus(delayTolerance()));
		assertThat(handledAt.get("behind")).isAfterOrEqualTo(handledAt.get("delayed"));
		try (Admin admin = Admin
			.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
			assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
				.noneMatch((name) -> name.startsWith(this.topic + ".mqlab-delay"));
		}
	}

	private static Map<String, Object> properties(String bootstrapServers) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.kafka.bootstrap-servers", bootstrapServers);
		// A killed consumer's partitions move to the survivors after 6 s, not 45 s.
		properties.put("spring.kafka.consumer.properties.session.timeout.ms", "6000");
		properties.put("spring.kafka.consumer.properties.heartbeat.interval.ms", "1000");
		// The broker shares the test JVM and its logging: keep both quiet.
		properties.put("logging.level.kafka", "WARN");
		properties.put("logging.level.org.apache.kafka", "WARN");
		properties.put("logging.level.state.change.logger", "WARN");
		return properties;
	}

}
