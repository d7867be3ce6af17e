package io.mqlab.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Micrometer meters tagged by backend, topic and group.
 */
public final class MessagingMetrics {

	private final MeterRegistry registry;

	private final Backend backend;

	private final Map<String, AtomicInteger> backlogUsers = new ConcurrentHashMap<>();

	// Looked up once per topic (and group): building and registering meters on every
	// message was a noticeable part of a consumer's CPU.
	private final Map<String, Counter> publishedCounters = new ConcurrentHashMap<>();

	private final Map<String, ConsumerMeters> consumerMeters = new ConcurrentHashMap<>();

	public MessagingMetrics(MeterRegistry registry, Backend backend) {
		this.registry = registry;
		this.backend = backend;
	}

	void published(String topic) {
		this.publishedCounters
			.computeIfAbsent(topic,
					(name) -> Counter.builder("mqlab.messages.published").tags(tags(name)).register(this.registry))
			.increment();
	}

	void publishFailed(String topic) {
		Counter.builder("mqlab.messages.publish.failed").tags(tags(topic)).register(this.registry).increment();
	}

	/**
	 * Records a handled message. A delayed message's end-to-end latency counts from its
	 * due time (the wait was asked for), and its lateness is recorded on its own.
	 */
	void consumed(String topic, String group, Duration handling, Instant publishedAt, Instant dueAt) {
		ConsumerMeters meters = this.consumerMeters.computeIfAbsent(topic + "\u0000" + group,
				(id) -> new ConsumerMeters(tags(topic).and("group", group)));
		meters.consumed.increment();
		meters.handling.record(handling);
		Instant now = Instant.now();
		Instant from = (dueAt != null && dueAt.isAfter(publishedAt)) ? dueAt : publishedAt;
		Duration latency = Duration.between(from, now);
		meters.latency.record(latency.isNegative() ? Duration.ZERO : latency);
		if (dueAt != null) {
			Duration lateness = Duration.between(dueAt, now);
			meters.lateness().record(lateness.isNegative() ? Duration.ZERO : lateness);
		}
	}

	void retried(String topic, String group) {
		Counter.builder("mqlab.messages.retried")
			.tags(tags(topic).and("group", group))
			.register(this.registry)
			.increment();
	}

	void deadLettered(String topic, String group) {
		Counter.builder("mqlab.messages.dead.lettered")
			.tags(tags(topic).and("group", group))
			.register(this.registry)
			.increment();
	}

	/**
	 * Measures a group's backlog while at least one of its subscriptions runs here.
	 * @return what stops measuring for that subscription (the gauge goes with the last)
	 */
	<S> Runnable backlog(String topic, String group, S state, ToDoubleFunction<S> value) {
		String id = topic + "\u0000" + group;
		Gauge gauge = Gauge.builder("mqlab.consumer.backlog", state, value)
			.tags(tags(topic).and("group", group))
			.register(this.registry);
		this.backlogUsers.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
		AtomicBoolean released = new AtomicBoolean();
		return () -> {
			if (released.compareAndSet(false, true) && this.backlogUsers.computeIfPresent(id,
					(key, users) -> (users.decrementAndGet() == 0) ? null : users) == null) {
				// nothing consumes here any more: stop asking the broker on every scrape
				this.registry.remove(gauge);
			}
		};
	}

	public double count(String name, String topic) {
		Counter counter = this.registry.find(name).tags(tags(topic)).counter();
		return (counter != null) ? counter.count() : 0;
	}

	/** The meters of one topic and group, registered on first use. */
	private final class ConsumerMeters {

		private final Tags tags;

		private final Counter consumed;

		private final Timer handling;

		private final Timer latency;

		private volatile Timer lateness;

		ConsumerMeters(Tags tags) {
			this.tags = tags;
			this.consumed = Counter.builder("mqlab.messages.consumed").tags(tags).register(registry);
			this.handling = Timer.builder("mqlab.handler.duration").tags(tags).register(registry);
			this.latency = Timer.builder("mqlab.end.to.end.latency")
				.tags(tags)
				.publishPercentileHistogram()
				.register(registry);
		}

		/** Only groups that get delayed messages have this meter. */
		Timer lateness() {
			Timer timer = this.lateness;
			if (timer == null) {
				timer = Timer.builder("mqlab.delayed.lateness")
					.description("How long after its due time a delayed message was handled")
					.tags(this.tags)
					.publishPercentileHistogram()
					.register(registry);
				this.lateness = timer;
			}
			return timer;
		}

	}

	private Tags tags(String topic) {
		return Tags.of("backend", this.backend.id(), "topic", topic);
	}

}
