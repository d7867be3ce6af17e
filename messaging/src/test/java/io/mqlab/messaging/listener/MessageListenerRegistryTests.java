package io.mqlab.messaging.listener;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mqlab.messaging.Capability;
import io.mqlab.messaging.DeadLetter;
import io.mqlab.messaging.MessageContext;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.OutgoingMessage;
import io.mqlab.messaging.autoconfigure.MessagingAutoConfiguration;
import io.mqlab.messaging.contract.TestBrokers;
import io.mqlab.messaging.contract.Numbered;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The registry runs annotated methods as subscriptions, shows them in health and metrics,
 * and fails start-up with a message that says what to fix when one is misused. Runs on
 * the local Redis (and PostgreSQL for the idempotent consumer).
 */
class MessageListenerRegistryTests {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	private final String topic = "listener-" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MessagingAutoConfiguration.class, DataRedisAutoConfiguration.class,
				DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				JacksonAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withBean(Inbox.class, Inbox::new)
		.withPropertyValues("mqlab.messaging.backend=redis",
				"spring.datasource.url=" + TestBrokers.postgres().jdbcUrl(),
				"spring.datasource.username=" + TestBrokers.postgres().username(),
				"spring.datasource.password=" + TestBrokers.postgres().password(),
				"spring.data.redis.host=" + TestBrokers.redis().host(),
				"spring.data.redis.port=" + TestBrokers.redis().port(), "spring.flyway.enabled=false",
				"mqlab.messaging.outbox.relay-enabled=false", "mqlab.messaging.backlog-interval=200ms",
				"mqlab.messaging.retry.initial-delay=10ms", "test.topic=" + this.topic);

	@Test
	void runsAnnotatedMethodsWithThePayloadTypeOfTheirSignature() {
		this.runner.withUserConfiguration(TypedListeners.class).run((context) -> {
			assertThat(context).hasNotFailed();
			Messaging messaging = context.getBean(Messaging.class);
			messaging.publish(this.topic, "k", new Numbered("k", 1));
			messaging.publish(this.topic + "-plain", "k", new Numbered("k", 2));
			Inbox inbox = context.getBean(Inbox.class);
			await().atMost(PATIENCE).until(() -> inbox.payloads.size() == 2);
			assertThat(inbox.payloads).containsExactlyInAnyOrder(new Numbered("k", 1), new Numbered("k", 2));
			assertThat(inbox.contexts).singleElement().satisfies((ctx) -> {
				assertThat(ctx.group()).isEqualTo("typed");
				assertThat(ctx.envelope().topic()).isEqualTo(this.topic);
			});
			assertThat(context.getBean(MessageListenerRegistry.class).listeners())
				.extracting(ListenerState::id, ListenerState::topic, ListenerState::group, ListenerState::concurrency,
						ListenerState::running)
				.containsExactlyInAnyOrder(
						org.assertj.core.groups.Tuple.tuple("MessageListenerRegistryTests.TypedListeners.withContext",
								this.topic, "typed", 2, true),
						org.assertj.core.groups.Tuple.tuple("MessageListenerRegistryTests.TypedListeners.payloadOnly",
								this.topic + "-plain", "typed", 1, true));
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void showsEachListenerInHealthAndMetricsAndStopsThemWithTheContext() {
		this.runner.withUserConfiguration(TypedListeners.class).run((context) -> {
			HealthIndicator health = context.getBean("messagingHealthIndicator", HealthIndicator.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			await().atMost(PATIENCE).untilAsserted(() -> {
				Health result = health.health(true);
				assertThat(result.getStatus()).isEqualTo(Status.UP);
				assertThat((List<?>) result.getDetails().get("listeners")).hasSize(2)
					.allSatisfy((listener) -> assertThat((Map<String, Object>) listener).containsEntry("running", true)
						.containsKey("backlog")
						.containsKey("backlogAgeSeconds"));
			});
			assertThat(meters.get("mqlab.listener.running").tag("topic", this.topic).gauge().value()).isEqualTo(1.0);
			MessageListenerRegistry registry = context.getBean(MessageListenerRegistry.class);
			registry.stop();
			assertThat(registry.listeners()).extracting(ListenerState::running).containsOnly(false);
			assertThat(meters.get("mqlab.listener.running").tag("topic", this.topic).gauge().value()).isZero();
		});
	}

	@Test
	void retrySettingsCanBeOverriddenPerListener() {
		this.runner.withUserConfiguration(FailingListener.class).run((context) -> {
			Messaging messaging = context.getBean(Messaging.class);
			messaging.publish(this.topic, "k", new Numbered("k", 1));
			await().atMost(PATIENCE).until(() -> !messaging.deadLetters().list(this.topic, "failing", 10).isEmpty());
			DeadLetter dead = messaging.deadLetters().list(this.topic, "failing", 10).get(0);
			assertThat(dead.attempts()).isEqualTo(1);
			assertThat(context.getBean(Inbox.class).attempts).hasValue(1);
		});
	}

	@Test
	void anIdempotentListenerRunsOncePerMessage() {
		this.runner.withUserConfiguration(IdempotentListener.class).run((context) -> {
			Messaging messaging = context.getBean(Messaging.class);
			var receipt = messaging.publish(this.topic, "k", new Numbered("k", 1));
			Inbox inbox = context.getBean(Inbox.class);
			await().atMost(PATIENCE).until(() -> inbox.payloads.size() == 1);
			// the same envelope again, as a broker redelivery would bring it
			messaging.publishEnvelope(inbox.contexts.peek().envelope()).join();
			messaging.publish(this.topic, "k", new Numbered("k", 2));
			await().atMost(PATIENCE).until(() -> inbox.payloads.size() == 2);
			assertThat(inbox.payloads).containsExactly(new Numbered("k", 1), new Numbered("k", 2));
			assertThat(inbox.contexts.peek().envelope().id()).isEqualTo(receipt.id());
		});
	}

	@Test
	void twoListenersOnOneTopicAndGroupFailStartUp() {
		this.runner.withUserConfiguration(TypedListeners.class, SameTopicAndGroup.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("both consume topic '" + this.topic + "' in group 'typed'")
				.hasStackTraceContaining("TypedListeners.withContext")
				.hasStackTraceContaining("SameTopicAndGroup.again");
		});
	}

	@Test
	void anUnknownPayloadTypeFailsStartUp() {
		this.runner.withUserConfiguration(InterfacePayload.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("InterfacePayload.on has an unknown payload type java.lang.Runnable");
		});
	}

	@Test
	void aCapabilityTheBackendLacksFailsStartUp() {
		this.runner.withUserConfiguration(NeedsPriority.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("NeedsPriority.on needs PRIORITY, which the redis backend does not offer");
		});
	}

	@Test
	void anIdempotentListenerWithoutADataSourceFailsStartUp() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MessagingAutoConfiguration.class, DataRedisAutoConfiguration.class,
					JacksonAutoConfiguration.class))
			.withBean(Inbox.class, Inbox::new)
			.withPropertyValues("mqlab.messaging.backend=redis", "test.topic=" + this.topic,
					"spring.data.redis.host=" + TestBrokers.redis().host(),
					"spring.data.redis.port=" + TestBrokers.redis().port())
			.withUserConfiguration(IdempotentListener.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining("IdempotentListener.on is idempotent, which needs a DataSource");
			});
	}

	@Test
	void anInvalidAttributeFailsStartUpNamingIt() {
		this.runner.withUserConfiguration(TypedListeners.class)
			.withPropertyValues("test.concurrency=many")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining("TypedListeners.withContext: concurrency 'many' is not valid");
			});
	}

	@Test
	void runsABatchListenerWithListsOfItsPayloadType() {
		this.runner.withUserConfiguration(BatchListener.class).run((context) -> {
			assertThat(context).hasNotFailed();
			Messaging messaging = context.getBean(Messaging.class);
			messaging.publishAll(List.of(OutgoingMessage.of(this.topic, "k", new Numbered("k", 1)),
					OutgoingMessage.of(this.topic, "k", new Numbered("k", 2))));
			Inbox inbox = context.getBean(Inbox.class);
			await().atMost(PATIENCE).until(() -> inbox.payloads.size() == 2);
			assertThat(inbox.payloads).containsExactly(new Numbered("k", 1), new Numbered("k", 2));
			assertThat(inbox.contexts).extracting(MessageContext::group).containsOnly("batched");
		});
	}

	@Test
	void aBatchListenerThatDoesNotTakeAListFailsStartUp() {
		this.runner.withUserConfiguration(BatchWithoutList.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("BatchWithoutList.on has a batch, so it must take a List of payloads");
		});
	}

	/** What the test listeners received. */
	static final class Inbox {

		final ConcurrentLinkedQueue<Numbered> payloads = new ConcurrentLinkedQueue<>();

		final ConcurrentLinkedQueue<MessageContext> contexts = new ConcurrentLinkedQueue<>();

		final java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();

	}

	@Configuration(proxyBeanMethods = false)
	static class TypedListeners {

		private final Inbox inbox;

		TypedListeners(Inbox inbox) {
			this.inbox = inbox;
		}

		@MessageListener(topic = "${test.topic}", group = "typed", concurrency = "${test.concurrency:2}")
		void withContext(Numbered payload, MessageContext context) {
			this.inbox.payloads.add(payload);
			this.inbox.contexts.add(context);
		}

		@MessageListener(topic = "${test.topic}-plain", group = "typed")
		void payloadOnly(Numbered payload) {
			this.inbox.payloads.add(payload);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SameTopicAndGroup {

		@MessageListener(topic = "${test.topic}", group = "typed")
		void again(Numbered payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingListener {

		private final Inbox inbox;

		FailingListener(Inbox inbox) {
			this.inbox = inbox;
		}

		@MessageListener(topic = "${test.topic}", group = "failing", maxAttempts = "1")
		void on(Numbered payload) {
			this.inbox.attempts.incrementAndGet();
			throw new IllegalStateException("always");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class IdempotentListener {

		private final Inbox inbox;

		IdempotentListener(Inbox inbox) {
			this.inbox = inbox;
		}

		@MessageListener(topic = "${test.topic}", group = "once", idempotent = true)
		void on(Numbered payload, MessageContext context) {
			this.inbox.payloads.add(payload);
			this.inbox.contexts.add(context);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InterfacePayload {

		@MessageListener(topic = "${test.topic}", group = "g")
		void on(Runnable payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NeedsPriority {

		@MessageListener(topic = "${test.topic}", group = "g", requires = Capability.PRIORITY)
		void on(Numbered payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BatchListener {

		private final Inbox inbox;

		BatchListener(Inbox inbox) {
			this.inbox = inbox;
		}

		@MessageListener(topic = "${test.topic}", group = "batched", batch = "10")
		void on(List<Numbered> payloads, List<MessageContext> contexts) {
			this.inbox.payloads.addAll(payloads);
			this.inbox.contexts.addAll(contexts);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BatchWithoutList {

		@MessageListener(topic = "${test.topic}", group = "g", batch = "10")
		void on(Numbered payload) {
		}

	}

}
