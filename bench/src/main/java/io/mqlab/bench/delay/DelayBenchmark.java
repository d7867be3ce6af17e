package io.mqlab.bench.delay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.mqlab.bench.Brokers;
import io.mqlab.bench.Progress;
import io.mqlab.bench.mqlab.BenchApplication;
import io.mqlab.bench.mqlab.BrokerCleanup;
import io.mqlab.bench.mqlab.ContextProperties;
import io.mqlab.bench.workload.Latency;
import io.mqlab.messaging.Backend;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.OutgoingMessage;
import io.mqlab.messaging.RetrySettings;
import io.mqlab.messaging.Subscription;
import io.mqlab.messaging.SubscriptionSpec;
import org.HdrHistogram.ConcurrentHistogram;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Lateness of delayed delivery with many messages pending: publishes {@code pending}
 * messages whose due times are spread at random over a window that starts once they are
 * all expected to be published, then records, for each handling, handled time minus due
 * time. The window is wide enough that at most {@code dueRate} messages fall due per
 * second, so the figures show the delay mechanism, not the consumers' throughput.
 */
final class DelayBenchmark {

	private static final String GROUP = "lateness";

	private static final int BATCH = 500;

	/** Publishes per second assumed when planning the first due time. */
	private static final int PLANNED_PUBLISH_RATE = 2_000;

	private final Brokers brokers;

	private final int dueRate;

	private final int consumers;

	private final Duration stallTimeout;

	DelayBenchmark(Brokers brokers, int dueRate, int consumers, Duration stallTimeout) {
		this.brokers = brokers;
		this.dueRate = dueRate;
		this.consumers = consumers;
		this.stallTimeout = stallTimeout;
	}

	DelayResult run(Backend backend, int pending, String runId) {
		String topic = "bench-delay-" + backend.id() + "-" + runId + "-" + pending;
		Map<String, Object> properties = ContextProperties.base(backend, this.brokers);
		ConfigurableApplicationContext context = null;
		try {
			context = new SpringApplicationBuilder(BenchApplication.class).web(WebApplicationType.NONE)
				.properties(properties)
				.run();
			return measure(backend, context.getBean(Messaging.class), topic, pending);
		}
		catch (Exception ex) {
			Progress.say(backend.id(), "delays: run with " + pending + " pending failed: " + ex);
			return DelayResult.failed(backend.id(), pending, ex);
		}
		finally {
			if (context != null) {
				cleanUp(backend, context, topic);
			}
		}
	}

	/**
	 * Kafka's delay forwarders run until the context closes, so its topics go afterwards;
	 * the other backends clean up through the context's clients.
	 */
	private void cleanUp(Backend backend, ConfigurableApplicationContext context, String topic) {
		int partitions = context.getEnvironment().getProperty("mqlab.messaging.partitions", Integer.class, 8);
		if (backend == Backend.KAFKA) {
			context.close();
			try {
				BrokerCleanup.kafka(this.brokers.kafkaBootstrap(), topic, GROUP);
			}
			catch (RuntimeException ex) {
				Progress.say(backend.id(), "could not clean up " + topic + ": " + ex);
			}
		}
		else {
			BrokerCleanup.clean(backend, context, topic, GROUP, partitions);
			context.close();
		}
	}

	private DelayResult measure(Backend backend, Messaging messaging, String topic, int pending) {
		ConcurrentHistogram lateness = new ConcurrentHistogram(3);
		Set<UUID> seen = ConcurrentHashMap.newKeySet();
		AtomicLong handled = new AtomicLong();
		AtomicLong early = new AtomicLong();
		AtomicLong lastHandled = new AtomicLong(System.nanoTime());
		messaging.provision(topic, GROUP);
		Subscription subscription = messaging.subscribe(new SubscriptionSpec(topic, GROUP, this.consumers), Tick.class,
				new RetrySettings(1, Duration.ofMillis(10), 1.0, Duration.ofMillis(10)), (tick, message) -> {
					Instant now = Instant.now();
					// Published after its due time had passed (a slow publish): due at
					// publish.
					Instant due = (message.envelope().deliverAt() != null) ? message.envelope().deliverAt()
							: message.envelope().timestamp();
					long micros = Duration.between(due, now).toNanos() / 1_000;
					if (micros < 0) {
						early.incrementAndGet();
					}
					lateness.recordValue(Math.max(0, micros));
					seen.add(message.envelope().id());
					handled.incrementAndGet();
					lastHandled.set(System.nanoTime());
				});
		Duration window = Duration.ofMillis(Math.max(5_000, pending * 1_000L / this.dueRate));
		Instant firstDue = Instant.now().plusMillis(3_000 + pending * 1_000L / PLANNED_PUBLISH_RATE);
		double publishSeconds;
		try {
			Progress.say(backend.id(), String.format(Locale.ROOT,
					"delays: publishing %,d messages due from %s over %d s", pending, firstDue, window.toSeconds()));
			long started = System.nanoTime();
			publish(messaging, topic, pending, firstDue, window);
			publishSeconds = (System.nanoTime() - started) / 1e9;
			awaitDelivered(seen, pending, firstDue.plus(window), lastHandled);
		}
		finally {
			subscription.stop();
		}
		long delivered = seen.size();
		DelayResult result = new DelayResult(backend.id(), pending, pending / publishSeconds,
				window.toMillis() / 1000.0, delivered, pending - delivered, handled.get() - delivered, early.get(),
				Latency.of(lateness), null);
		Progress.say(backend.id(), String.format(Locale.ROOT,
				"delays: %,d pending: lateness p50 %s ms, p99 %s ms, max %s ms; lost %d, duplicates %d, early %d",
				pending, result.latenessMs().p50(), result.latenessMs().p99(), result.latenessMs().max(), result.lost(),
				result.duplicates(), result.early()));
		return result;
	}

	private static void publish(Messaging messaging, String topic, int pending, Instant firstDue, Duration window) {
		Random random = new Random(pending);
		List<OutgoingMessage> batch = new ArrayList<>(BATCH);
		for (int i = 0; i < pending; i++) {
			Instant due = firstDue.plusMillis((long) (random.nextDouble() * window.toMillis()));
			String key = "k" + (i % 100);
			batch.add(OutgoingMessage.of(topic, key, new Tick(i)).deliverAt(due));
			if (batch.size() == BATCH || i == pending - 1) {
				messaging.publishAll(batch);
				batch.clear();
			}
		}
	}

	/**
	 * Until every message was handled, or nothing arrived for the stall timeout after the
	 * last was due.
	 */
	private void awaitDelivered(Set<UUID> seen, int pending, Instant lastDue, AtomicLong lastHandled) {
		while (seen.size() < pending) {
			boolean allDue = Instant.now().isAfter(lastDue);
			long idle = System.nanoTime() - Math.max(lastHandled.get(), nanosAt(lastDue));
			if (allDue && idle > this.stallTimeout.toNanos()) {
				return;
			}
			LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
		}
	}

	private static long nanosAt(Instant instant) {
		return System.nanoTime() + Duration.between(Instant.now(), instant).toNanos();
	}

	/** The payload: its sequence number only; the due time travels on the envelope. */
	record Tick(long seq) {

	}

}
