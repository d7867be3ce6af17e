package io.mqlab.bench.mqlab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.mqlab.bench.BenchSettings;
import io.mqlab.bench.Progress;
import io.mqlab.bench.workload.BacklogPoint;
import io.mqlab.bench.workload.DeliveryTracker;
import io.mqlab.bench.workload.KeyShare;
import io.mqlab.bench.workload.PhaseResult;
import io.mqlab.bench.workload.PhaseRouter;
import io.mqlab.bench.workload.Workload;
import io.mqlab.messaging.Backend;
import io.mqlab.messaging.Messaging;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Drives the messaging library on one backend, in a context of its own: a warm-up until
 * every consumer has a share, then the max-throughput phase and the fixed-rate phase with
 * producers and consumers at once (one subscription per consumer serves them all), then
 * the backlog phase: the consumers leave, the producers publish, and a new set of
 * consumers drains the backlog, as the brokers' own tools measure consume throughput.
 */
public final class MqlabBenchmark {

	/** The consumer group of every run. */
	static final String GROUP = "bench";

	private static final int WARM_UP = 0;

	private static final int MAX_THROUGHPUT = 1;

	private static final int FIXED_RATE = 2;

	private static final int BACKLOG = 3;

	/** Messages per warm-up round. */
	private static final int WARM_UP_ROUND = 200;

	/** Warm-up rounds at most (sizes the warm-up's tracker). */
	private static final int WARM_UP_ROUNDS = 5000;

	/**
	 * How long the warm-up may wait for every consumer to get a share, beyond its own
	 * length (Kafka and RabbitMQ hand partitions to members within seconds).
	 */
	private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(30);

	private final BenchSettings settings;

	public MqlabBenchmark(BenchSettings settings) {
		this.settings = settings;
	}

	public MqlabResult run(Backend backend, String runId) {
		Map<String, Object> properties = ContextProperties.of(backend, this.settings.brokers(), this.settings.tuning());
		String topic = "bench-" + backend.id() + "-" + runId;
		List<PhaseResult> phases = new ArrayList<>();
		List<BacklogPoint> backlog = List.of();
		Progress.say(backend.id(), "mqlab: starting a context on " + backend.id());
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchApplication.class)
			.web(WebApplicationType.NONE)
			.properties(properties)
			.run()) {
			Messaging messaging = context.getBean(Messaging.class);
			messaging.provision(topic, GROUP);
			PhaseRouter router = new PhaseRouter(4);
			try (BacklogSampler sampler = new BacklogSampler(backend.id(), router)) {
				try (ConsumerGroup group = new ConsumerGroup(messaging, topic, GROUP,
						this.settings.workload().consumers(), router)) {
					phases.add(warmUp(backend, messaging, topic, router, sampler));
					phases.add(maxThroughput(messaging, topic, router, sampler));
					if (this.settings.workload().rate() > 0) {
						phases.add(fixedRate(messaging, topic, router, sampler));
					}
				}
				phases.add(backlog(messaging, topic, router, sampler));
				backlog = sampler.points();
				BrokerCleanup.clean(backend, context, topic, GROUP, this.settings.tuning().partitions());
				return MqlabResult.of(topic, properties, phases, backlog, router.strays());
			}
		}
		catch (Exception ex) {
			Progress.say(backend.id(), "mqlab run failed: " + ex);
			return MqlabResult.failed(topic, properties, phases, backlog, ex);
		}
	}

	/**
	 * Publishes rounds for the warm-up's length (so the JIT compiler has compiled the hot
	 * paths) and until every consumer has handled a message (so no rebalance falls into
	 * the measured phases).
	 */
	private PhaseResult warmUp(Backend backend, Messaging messaging, String topic, PhaseRouter router,
			BacklogSampler sampler) {
		Workload workload = this.settings.workload();
		int round = Math.min(WARM_UP_ROUND, workload.messages());
		DeliveryTracker tracker = new DeliveryTracker("warm-up", round * WARM_UP_ROUNDS, workload.keys());
		router.begin(WARM_UP, tracker);
		sampler.planned(round);
		MaxThroughputProducers producers = new MaxThroughputProducers(messaging, topic, workload.size(),
				this.settings.tuning().pipeline(), List.of(new KeyShare(0, 1, workload.keys())));
		long start = System.nanoTime();
		long warm = start + this.settings.warmUp().toNanos();
		long deadline = warm + WARM_UP_LIMIT.toNanos();
		int rounds = 0;
		while (rounds < WARM_UP_ROUNDS && System.nanoTime() < deadline) {
			producers.publish(WARM_UP, (long) rounds * round, (long) (rounds + 1) * round, tracker);
			rounds++;
			awaitDelivered(tracker);
			if (tracker.activeMembers() >= workload.consumers() && System.nanoTime() >= warm) {
				break;
			}
		}
		if (tracker.activeMembers() < workload.consumers()) {
			Progress.say(backend.id(), "mqlab: only " + tracker.activeMembers() + " of " + workload.consumers()
					+ " consumers got messages during the warm-up");
		}
		return tracker.result(rounds * round, 0);
	}

	private PhaseResult maxThroughput(Messaging messaging, String topic, PhaseRouter router, BacklogSampler sampler) {
		Workload workload = this.settings.workload();
		DeliveryTracker tracker = new DeliveryTracker("max-throughput", workload.messages(), workload.keys());
		router.begin(MAX_THROUGHPUT, tracker);
		sampler.planned(workload.messages());
		MaxThroughputProducers producers = new MaxThroughputProducers(messaging, topic, workload.size(),
				this.settings.tuning().pipeline(), shares(workload));
		tracker.start();
		producers.publish(MAX_THROUGHPUT, 0, workload.messages(), tracker);
		awaitDelivered(tracker);
		return tracker.result(workload.messages(), 0);
	}

	private PhaseResult fixedRate(Messaging messaging, String topic, PhaseRouter router, BacklogSampler sampler) {
		Workload workload = this.settings.workload();
		int messages = workload.fixedRateMessages();
		DeliveryTracker tracker = new DeliveryTracker("fixed-rate", messages, workload.keys());
		router.begin(FIXED_RATE, tracker);
		sampler.planned(messages);
		FixedRateProducers producers = new FixedRateProducers(messaging, topic, workload.size(), shares(workload));
		tracker.start();
		producers.publish(FIXED_RATE, messages, workload.rate(), tracker);
		awaitDelivered(tracker);
		return tracker.result(messages, workload.rate());
	}

	/**
	 * Publishes with no consumer in the group, then starts the consumers and measures how
	 * fast they drain the backlog, from their first delivery to their last.
	 */
	private PhaseResult backlog(Messaging messaging, String topic, PhaseRouter router, BacklogSampler sampler) {
		Workload workload = this.settings.workload();
		DeliveryTracker tracker = new DeliveryTracker("backlog", workload.messages(), workload.keys());
		tracker.drain();
		router.begin(BACKLOG, tracker);
		sampler.planned(workload.messages());
		MaxThroughputProducers producers = new MaxThroughputProducers(messaging, topic, workload.size(),
				this.settings.tuning().pipeline(), shares(workload));
		tracker.start();
		producers.publish(BACKLOG, 0, workload.messages(), tracker);
		try (ConsumerGroup group = new ConsumerGroup(messaging, topic, GROUP, workload.consumers(), router)) {
			awaitDelivered(tracker);
		}
		return tracker.result(workload.messages(), 0);
	}

	private static List<KeyShare> shares(Workload workload) {
		return IntStream.range(0, workload.producers())
			.mapToObj((p) -> new KeyShare(p, workload.producers(), workload.keys()))
			.toList();
	}

	/**
	 * Waits until every confirmed message arrived, or until none arrived for the stall
	 * timeout (the rest then counts as lost).
	 */
	private void awaitDelivered(DeliveryTracker tracker) {
		long stall = this.settings.stallTimeout().toNanos();
		long seen = -1;
		long lastChange = System.nanoTime();
		while (!tracker.complete()) {
			long now = System.nanoTime();
			long count = tracker.distinctCount();
			if (count != seen) {
				seen = count;
				lastChange = now;
			}
			else if (now - lastChange > stall) {
				return;
			}
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for deliveries", ex);
			}
		}
	}

}
