package io.mqlab.support.metrics;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.Names;
import io.mqlab.messaging.OutgoingMessage;
import io.mqlab.support.metrics.MetricsSampled.Sample;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Samples the host, the process and the application's meters once per interval and
 * publishes each batch as a {@link MetricsSampled} keyed by the instance id. It never
 * blocks the service: sampling and publishing run on two daemon threads of its own, and
 * while the broker does not accept batches they wait in a bounded buffer, oldest dropped
 * first (Micrometer counter {@code mqlab.metrics.agent.dropped}), and are sent in order
 * once it does. Started and stopped with the application context; stopped first, before
 * the messaging library's clients close.
 */
public final class MetricsAgent implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(MetricsAgent.class);

	/** Instance ids taken by the contexts of this JVM (tests run several). */
	private static final Set<String> INSTANCES = ConcurrentHashMap.newKeySet();

	private final Messaging messaging;

	private final MeterRegistry registry;

	private final String service;

	private final String topic;

	private final Duration interval;

	private final String configuredInstance;

	private final UnsentBatches unsent;

	private final AtomicBoolean flushing = new AtomicBoolean();

	private volatile ThreadPoolTaskScheduler scheduler;

	private volatile boolean failing;

	private volatile String instance;

	// Only the sampler thread touches these.

	private OshiSystemMetrics system;

	private ApplicationMetrics application;

	private String host;

	private long sampledAt;

	public MetricsAgent(Messaging messaging, MeterRegistry registry, String service,
			MetricsAgentProperties properties) {
		if (properties.getInterval() == null || properties.getInterval().toMillis() < 100) {
			throw new IllegalArgumentException(
					"mqlab.metrics.agent.interval must be at least 100ms, not " + properties.getInterval());
		}
		this.messaging = messaging;
		this.registry = registry;
		this.service = service;
		this.topic = Names.topic(properties.getTopic());
		this.interval = properties.getInterval();
		this.configuredInstance = properties.getInstance();
		this.unsent = new UnsentBatches(properties.getBufferSize(),
				Counter.builder("mqlab.metrics.agent.dropped")
					.description("Metrics batches dropped because the broker did not accept them in time")
					.register(registry));
	}

	/** This agent's instance id, or {@code null} before its first sample. */
	public String instance() {
		return this.instance;
	}

	/** Batches waiting for the broker. */
	public int unsent() {
		return this.unsent.size();
	}

	@Override
	public synchronized void start() {
		if (this.scheduler != null) {
			return;
		}
		ThreadPoolTaskScheduler started = new ThreadPoolTaskScheduler();
		// one thread samples on time while the other may wait for the broker
		started.setPoolSize(2);
		started.setDaemon(true);
		started.setThreadNamePrefix("mqlab-metrics-");
		started.setAwaitTerminationMillis(2000);
		started.initialize();
		started.scheduleAtFixedRate(this::tick, this.interval);
		this.scheduler = started;
	}

	@Override
	public synchronized void stop() {
		ThreadPoolTaskScheduler running = this.scheduler;
		if (running == null) {
			return;
		}
		this.scheduler = null;
		// interrupts a publish waiting for an unreachable broker
		running.shutdown();
		if (this.instance != null && this.configuredInstance == null) {
			INSTANCES.remove(this.instance);
		}
		if (this.unsent.size() > 0) {
			logger.info(this.unsent.size() + " metrics batches not published before shutdown");
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	private void tick() {
		try {
			if (this.application == null) {
				initialize();
				return;
			}
			long now = System.nanoTime();
			double seconds = (now - this.sampledAt) / 1e9;
			// a late first tick (OSHI starting) is followed by ones in quick succession
			if (seconds < this.interval.toMillis() / 2000.0) {
				return;
			}
			this.sampledAt = now;
			Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
			List<Sample> samples = new ArrayList<>(32);
			if (this.system != null) {
				this.system.sample(seconds, samples);
			}
			this.application.sample(seconds, samples);
			samples.add(Sample.of("metrics.agent.dropped", this.unsent.dropped()));
			this.unsent.add(new MetricsSampled(this.service, this.instance, this.host, ProcessHandle.current().pid(),
					at, this.interval.toMillis() / 1000.0, samples));
			flushSoon();
		}
		catch (RuntimeException ex) {
			logger.warn("Metrics sample failed: " + ex, ex);
		}
	}

	/** The first tick: OSHI takes a moment to start, then the counters' baseline. */
	private void initialize() {
		try {
			this.system = new OshiSystemMetrics();
			this.host = this.system.hostName();
			this.system.baseline();
		}
		catch (RuntimeException | LinkageError ex) {
			logger.warn("No host and process metrics (OSHI cannot read this platform): " + ex);
			this.system = null;
		}
		if (this.host == null || this.host.isBlank()) {
			this.host = "localhost";
		}
		this.instance = (this.configuredInstance != null) ? this.configuredInstance
				: claim(this.service + "-" + this.host + "-" + ProcessHandle.current().pid());
		ApplicationMetrics metrics = new ApplicationMetrics(this.registry, this.topic);
		metrics.baseline();
		this.sampledAt = System.nanoTime();
		this.application = metrics;
		logger.info("Metrics agent of " + this.instance + " publishes to " + this.topic + " every " + this.interval);
	}

	private static String claim(String base) {
		String id = base;
		for (int n = 2; !INSTANCES.add(id); n++) {
			id = base + "-" + n;
		}
		return id;
	}

	private void flushSoon() {
		ThreadPoolTaskScheduler running = this.scheduler;
		if (running != null && this.flushing.compareAndSet(false, true)) {
			try {
				running.execute(() -> {
					try {
						flush();
					}
					finally {
						this.flushing.set(false);
					}
				});
			}
			catch (RejectedExecutionException ex) {
				this.flushing.set(false);
			}
		}
	}

	/** Sends the unsent batches in order, until one is not accepted (kept for later). */
	private void flush() {
		Duration timeout = this.messaging.settings().publishTimeout();
		for (MetricsSampled batch = this.unsent.oldest(); batch != null
				&& this.scheduler != null; batch = this.unsent.oldest()) {
			try {
				this.messaging.publishAsync(OutgoingMessage.of(this.topic, batch.instance(), batch))
					.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
				this.unsent.sent(batch);
				if (this.failing) {
					this.failing = false;
					logger.info("Metrics are published to " + this.topic + " again (" + this.unsent.size()
							+ " batches still to send)");
				}
			}
			catch (IllegalArgumentException ex) {
				this.unsent.reject(batch, "the broker would never accept it: " + ex.getMessage());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (ExecutionException | TimeoutException | RuntimeException ex) {
				if (!this.failing) {
					this.failing = true;
					logger.warn("Cannot publish metrics to " + this.topic + "; keeping the unsent batches: "
							+ ((ex instanceof ExecutionException) ? ex.getCause() : ex));
				}
				return;
			}
		}
	}

}
