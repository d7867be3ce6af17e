package io.mqlab.messaging.rabbit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.mqlab.messaging.Backend;
import io.mqlab.messaging.Capability;
import io.mqlab.messaging.Delay;
import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.MessageHeaders;
import io.mqlab.messaging.MessageContext;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.OutgoingMessage;
import io.mqlab.messaging.PublishFailedException;
import io.mqlab.messaging.RetrySettings;
import io.mqlab.messaging.SubscriptionSpec;
import io.mqlab.messaging.contract.LocalBrokers;
import io.mqlab.messaging.contract.TestBrokers;
import io.mqlab.messaging.contract.MessagingContractTests;
import io.mqlab.messaging.contract.Numbered;
import io.mqlab.messaging.contract.Received;
import io.mqlab.messaging.contract.Recorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The messaging contract on the run's RabbitMQ ({@link TestBrokers}), plus what only
 * RabbitMQ does: priorities, and a consumer that leaves its queue (closing its channel)
 * when a message cannot be acknowledged.
 */
class RabbitMessagingContractTests extends MessagingContractTests {

	/**
	 * Groups the tests use: their queues are durable, so they are deleted afterwards
	 * instead of piling up in the local broker run after run.
	 */
	private static final List<String> GROUPS = List.of("g1", "relay", "end", "shared", "other", "late", "resume",
			"scale", "crash", "poison", "retry", "failing", "healthy", "idem", "outbox", "metrics", "rewind",
			"priority", "unstored", "delayed", "bulk", "short", "restart");

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private static final List<String> TOPICS = new ArrayList<>();

	@BeforeEach
	void requireRabbit() {
		TestBrokers.rabbit();
		TOPICS.add(this.topic);
		TOPICS.add(this.topic + "-next");
	}

	@AfterAll
	static void deleteQueues() throws Exception {
		try (Connection connection = connect()) {
			Channel channel = connection.createChannel();
			for (String topic : TOPICS) {
				for (String group : GROUPS) {
					for (int p = 0; p < 8; p++) {
						channel.queueDelete(topic + "." + group + "." + p);
					}
					channel.queueDelete(topic + "." + group + ".dlq");
				}
				channel.exchangeDelete(topic);
			}
			// Shared by every topic of this broker; declared again on the next delayed
			// publish.
			for (int level = 0; level < RabbitDelayTiers.LEVELS; level++) {
				for (int digit = 1; digit < RabbitDelayTiers.BASE; digit++) {
					channel.queueDelete(RabbitDelayTiers.queue(level, digit));
				}
				channel.exchangeDelete(RabbitDelayTiers.exchange(level));
			}
			channel.exchangeDelete(RabbitDelayTiers.DUE);
		}
	}

	private static Connection connect() throws Exception {
		ConnectionFactory factory = new ConnectionFactory();
		TestBrokers.Broker rabbit = TestBrokers.rabbit();
		factory.setHost(rabbit.host());
		factory.setPort(rabbit.port());
		factory.setUsername(rabbit.username());
		factory.setPassword(rabbit.password());
		return factory.newConnection("mqlab-test");
	}

	@Test
	void handsOutAHigherPriorityMessageBeforeThoseWaitingAheadOfIt() {
		Messaging messaging = messaging(member());
		messaging.provision(this.topic, "priority");
		for (int i = 1; i <= 5; i++) {
			messaging.publish(this.topic, "k", new Numbered("k", i));
		}
		messaging.publish(OutgoingMessage.of(this.topic, "k", new Numbered("k", 6)).withPriority(9));
		Recorder recorder = new Recorder();
		messaging.subscribe(this.topic, "priority", Numbered.class, recorder.handler("m"));
		await().atMost(PATIENCE).until(() -> recorder.size() == 6);
		assertThat(recorder.all()).extracting(Received::seq).containsExactly(6, 1, 2, 3, 4, 5);
	}

	@Test
	void keepsAMessageWhoseDeadLetterCannotBeStoredAndRedeliversItFirst() throws Exception {
		Messaging messaging = messaging(member());
		Recorder handled = new Recorder();
		List<MessageContext> failed = new CopyOnWriteArrayList<>();
		RetrySettings once = new RetrySettings(1, Duration.ofMillis(10), 1.0, Duration.ofMillis(10));
		messaging.subscribe(new SubscriptionSpec(this.topic, "unstored", 1), Numbered.class, once,
				(payload, context) -> {
					if (payload.seq() == 1) {
						failed.add(context);
						throw new IllegalStateException("poison");
					}
					handled.record("m", payload, context);
				});
		try (Connection connection = connect()) {
			connection.createChannel().queueDelete(this.topic + ".unstored.dlq");
		}
		for (int i = 1; i <= 3; i++) {
			messaging.publish(this.topic, "k", new Numbered("k", i));
		}
		await().atMost(PATIENCE).until(() -> handled.size() == 2);
		assertThat(handled.all()).extracting(Received::seq).containsExactly(2, 3);
		assertThat(failed).hasSizeGreaterThanOrEqualTo(2);
		assertThat(failed.get(0).redelivered()).isFalse();
		assertThat(failed.get(failed.size() - 1).redelivered()).isTrue();
		assertThat(messaging.deadLetters().list(this.topic, "unstored", 10)).singleElement()
			.satisfies((dead) -> assertThat(dead.envelope().id()).isEqualTo(failed.get(0).envelope().id()));
	}

	@Test
	void deliversADelayedMessageWithoutTheHeadersOfItsTrip() {
		Messaging messaging = messaging(member());
		List<MessageContext> handled = new CopyOnWriteArrayList<>();
		messaging.subscribe(this.topic, "delayed", Numbered.class, (payload, context) -> handled.add(context));
		messaging.publish(OutgoingMessage.of(this.topic, "k", new Numbered("k", 1))
			.withHeader("user-header", "kept")
			.withDelay(Delay.of(Duration.ofMillis(700))));
		await().atMost(PATIENCE).until(() -> handled.size() == 1);
		Envelope envelope = handled.get(0).envelope();
		assertThat(envelope.headers()).containsEntry("user-header", "kept")
			.containsKey(MessageHeaders.DELIVER_AT)
			.allSatisfy((name, value) -> assertThat(name).doesNotStartWith("x-")
				.doesNotStartWith("mqlab-delay-bit-")
				.doesNotStartWith("mqlab."));
	}

	@Test
	void holdsAThirtyDayDelayInTheLongestTier() throws Exception {
		Messaging messaging = messaging(member());
		Recorder recorder = new Recorder();
		messaging.subscribe(this.topic, "delayed", Numbered.class, recorder.handler("m"));
		// 30 days are 3 * 4^12 units of 50 ms and a bit: the longest queue first
		String longest = RabbitDelayTiers.queue(RabbitDelayTiers.LEVELS - 1, 3);
		messaging.publish(this.topic, "k", new Numbered("k", 0), Delay.of(Duration.ofMillis(200)));
		long before = messageCount(longest);
		messaging.publish(this.topic, "k", new Numbered("k", 1), Delay.of(Delay.MAX));
		// confirmed, so already there
		assertThat(messageCount(longest)).isGreaterThan(before);
		await().during(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> recorder.size() == 1);
		assertThat(recorder.all()).extracting(Received::seq).containsExactly(0);
	}

	@Test
	void failsADelayedPublishWhoseTierIsMissingRatherThanDeliverItEarly() throws Exception {
		Messaging messaging = messaging(member());
		Map<Integer, Instant> handledAt = new ConcurrentHashMap<>();
		Map<Integer, Instant> dueAt = new ConcurrentHashMap<>();
		messaging.subscribe(this.topic, "delayed", Numbered.class, (payload, context) -> {
			handledAt.put(payload.seq(), Instant.now());
			dueAt.put(payload.seq(), context.envelope().deliverAt());
		});
		messaging.publish(this.topic, "k", new Numbered("k", 0), Delay.of(Duration.ofMillis(200)));
		try (Connection connection = connect()) {
			connection.createChannel().queueDelete(RabbitDelayTiers.queue(2, 1));
		}
		// 1500 ms are 1*16 + 3*4 + 2 units of 50 ms: first through the missing 800 ms
		// queue
		assertThatThrownBy(
				() -> messaging.publish(this.topic, "k", new Numbered("k", 1), Delay.of(Duration.ofMillis(1500))))
			.isInstanceOf(PublishFailedException.class)
			.hasMessageContaining(RabbitDelayTiers.exchange(2));
		// the failure made it declare the tiers again
		messaging.publish(this.topic, "k", new Numbered("k", 2), Delay.of(Duration.ofMillis(1500)));
		await().atMost(PATIENCE).until(() -> handledAt.containsKey(2));
		await().during(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> handledAt.size() == 2);
		assertThat(handledAt).containsOnlyKeys(0, 2);
		assertThat(handledAt.get(2)).isAfterOrEqualTo(dueAt.get(2));
	}

	private static long messageCount(String queue) throws Exception {
		try (Connection connection = connect()) {
			return connection.createChannel().queueDeclarePassive(queue).getMessageCount();
		}
	}

	@Override
	protected Backend backend() {
		return Backend.RABBITMQ;
	}

	@Override
	protected Map<String, Object> brokerProperties() {
		return properties(TestBrokers.rabbit().host(), TestBrokers.rabbit().port());
	}

	@Override
	protected int brokerPort() {
		return TestBrokers.rabbit().port();
	}

	@Override
	protected Map<String, Object> brokerPropertiesVia(int proxyPort) {
		return properties(LocalBrokers.HOST, proxyPort);
	}

	private static Map<String, Object> properties(String host, int port) {
		TestBrokers.Broker rabbit = TestBrokers.rabbit();
		return Map.of("spring.rabbitmq.host", host, "spring.rabbitmq.port", port, "spring.rabbitmq.username",
				rabbit.username(), "spring.rabbitmq.password", rabbit.password());
	}

	@Override
	protected Set<Capability> expectedCapabilities() {
		return Set.of(Capability.PER_KEY_ORDER, Capability.FAN_OUT, Capability.PRIORITY, Capability.BACKLOG,
				Capability.DELAYED_DELIVERY, Capability.BATCHES);
	}

}
