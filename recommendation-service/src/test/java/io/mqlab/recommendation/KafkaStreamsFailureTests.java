package io.mqlab.recommendation;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.DeadLetter;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.OutgoingMessage;
import io.mqlab.messaging.contract.LocalBrokers;
import io.mqlab.messaging.contract.TcpProxy;
import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.recommendation.click.ClickType;
import io.mqlab.recommendation.click.Clicked;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka Streams engine when applying a record fails: a click that can never be
 * applied (its time overflows the trending buckets) is dead-lettered and the clicks after
 * it go on; while Redis is unreachable a click is retried with a growing backoff, not
 * spun on, and applied once Redis is back, not dead-lettered. Redis is reached through a
 * proxy the test cuts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaStreamsFailureTests {

	private static final Duration PATIENCE = Duration.ofSeconds(90);

	private final String run = "ksf" + UUID.randomUUID().toString().substring(0, 8);

	private TcpProxy redis;

	private ServiceInstances instances;

	private ConfigurableApplicationContext context;

	@BeforeAll
	void start() throws IOException {
		LocalBrokers.requireRedis();
		this.redis = new TcpProxy(LocalBrokers.REDIS_PORT);
		this.instances = new ServiceInstances(TestBroker.of("kafka"), this.run,
				new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS)),
				Files.createTempDirectory("recommendation-" + this.run));
		this.context = this.instances.start("a",
				Map.of("mqlab.recommendation.engine", "kafka-streams", "spring.data.redis.port",
						Integer.toString(this.redis.port()), "spring.data.redis.timeout", "300ms",
						"mqlab.messaging.retry.max-attempts", "3", "mqlab.messaging.retry.initial-delay", "100ms"));
	}

	@AfterAll
	void stop() {
		if (this.redis != null) {
			this.redis.restore();
		}
		if (this.instances != null) {
			this.instances.close();
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void deadLettersAClickThatCannotBeAppliedAndGoesOn() {
		Messaging messaging = this.context.getBean(Messaging.class);
		String topic = this.instances.topic("clicks", "a");
		UUID poison = UUID.randomUUID();
		long before = applied();
		messaging.publish(OutgoingMessage.of(topic, "u-poison",
				new Clicked(poison, "u-poison", "SKU-1", ClickType.VIEW, null, Instant.MAX)));
		messaging.publish(OutgoingMessage.of(topic, "u-poison",
				new Clicked(UUID.randomUUID(), "u-poison", "SKU-2", ClickType.VIEW, null, Instant.now())));
		await().atMost(PATIENCE).until(() -> applied() >= before + 1);
		await().atMost(PATIENCE)
			.until(() -> messaging.deadLetters().list(topic, this.instances.group("a"), 10),
					(letters) -> letters.stream()
						.map(DeadLetter::envelope)
						.anyMatch((envelope) -> envelope.payload().contains(poison.toString())));
	}

	@Test
	void retriesAClickWithBackoffWhileRedisIsUnreachableThenAppliesIt() {
		Messaging messaging = this.context.getBean(Messaging.class);
		String topic = this.instances.topic("clicks", "a");
		long before = applied();
		double retriedBefore = retried();
		this.redis.cut();
		try {
			messaging.publish(OutgoingMessage.of(topic, "u-outage",
					new Clicked(UUID.randomUUID(), "u-outage", "SKU-3", ClickType.VIEW, null, Instant.now())));
			// first failures: the record reached the engine
			await().atMost(PATIENCE).until(() -> retried() > retriedBefore);
			double start = retried();
			// 10 s of outage: with backoff (100 ms doubling up to 5 s, plus a 300 ms
			// timeout each) at most a handful of attempts, not one every few ms
			await().pollDelay(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(11)).until(() -> true);
			assertThat(retried() - start).isBetween(1.0, 8.0);
			assertThat(applied()).isEqualTo(before);
		}
		finally {
			this.redis.restore();
		}
		await().atMost(PATIENCE).until(() -> applied() >= before + 1);
		assertThat(messaging.deadLetters().list(topic, this.instances.group("a"), 100))
			.noneMatch((letter) -> letter.envelope().key().equals("u-outage"));
	}

	private double retried() {
		Counter counter = this.context.getBean(MeterRegistry.class)
			.find("recommendation.events.retried")
			.tag("failure", "transient")
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private long applied() {
		Counter counter = this.context.getBean(MeterRegistry.class)
			.find("recommendation.events")
			.tag("kind", "click")
			.tag("outcome", "applied")
			.counter();
		return (counter != null) ? (long) counter.count() : 0;
	}

}
