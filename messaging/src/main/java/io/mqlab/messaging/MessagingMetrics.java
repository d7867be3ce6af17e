package io.mqlab.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Micrometer meters tagged by backend, topic and group.
 */
public final class MessagingMetrics implements AutoCloseable {

	private final MeterRegistry registry;

	private final Backend backend;

	private final Map<String, AtomicInteger> backlogUsers = new ConcurrentHashMap<>();

	// Looked up once per topic (and group): building and registering meters on every
	// message was a noticeable part of a consumer's CPU.
	private final Map<String, Counter> publishedCounters = new ConcurrentHashMap<>();

	private final Map<String, ConsumerMeters> consumerMeters = new ConcurrentHashMap<>();

	private final Map<String, Meter[]> backlogGauges = new ConcurrentHashMap<>();

	private final BacklogSampler backlogs;

	public MessagingMetrics(MeterRegistry registry, Backend backend) {
		this(registry, backend, Duration.ofSeconds(10));
	}

	/**
	 * @param backlogInterval how often the broker is asked for the backlogs
	 */
	public MessagingMetrics(MeterRegistry registry, Backend backend, Duration backlogInterval) {
		this.registry = registry;
		this.backend = backend;
		this.backlogs = new BacklogSampler(backlogInterval);
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
	 * Measures a group's backlog while at least one of its subscriptions runs here. The
	 * broker is asked in the background; the gauges serve its last answer and its age.
	 * @return what stops measuring for that subscription (the gauges go with the last)
	 */
	Runnable backlog(String topic, String group, BacklogProbe probe) {
		String id = topic + "\u0000" + group;
		Runnable unwatch = this.backlogs.watch(topic, group, probe);
		this.backlogGauges.computeIfAbsent(id, (key) -> {
			Tags tags = tags(topic).and("group", group);
			return new Meter[] { Gauge.builder("mqlab.consumer.backlog", () -> {
				BacklogSample sample = this.backlogs.last(topic, group);
				return (sample != null) ? sample.messages() : Double.NaN;
			}).tags(tags).register(this.registry), Gauge.builder("mqlab.consumer.backlog.age", () -> {
				BacklogSample sample = this.backlogs.last(topic, group);
				return (sample != null) ? sample.age().toMillis() / 1000.0 : Double.NaN;
			})
				.description("Seconds since the broker last reported the backlog")
				.baseUnit("seconds")
				.tags(tags)
				.register(this.registry) };
		});
		this.backlogUsers.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
		AtomicBoolean released = new AtomicBoolean();
		return () -> {
			if (released.compareAndSet(false, true)) {
				unwatch.run();
				if (this.backlogUsers.computeIfPresent(id,
						(key, users) -> (users.decrementAndGet() == 0) ? null : users) == null) {
					Meter[] gauges = this.backlogGauges.remove(id);
					if (gauges != null) {
						for (Meter gauge : gauges) {
							this.registry.remove(gauge);
						}
					}
				}
			}
		};
	}

	/** Shows whether a listener's subscription runs (1) or not (0). */
	public void listenerState(String topic, String group, java.util.function.IntSupplier running) {
		Gauge.builder("mqlab.listener.running", running::getAsInt)
			.description("Whether the listener of this topic and group consumes")
			.tags(tags(topic).and("group", group))
			.register(this.registry);
	}

	/**
	 * The last backlog the broker reported for a group consumed here, or {@code null}
	 * when none is known yet (or the backend cannot tell).
	 */
	public BacklogSample backlog(String topic, String group) {
		return this.backlogs.last(topic, group);
	}

	/** Stops asking brokers for backlogs. */
	@Override
	public void close() {
		this.backlogs.close();
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
