package io.mqlab.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Asks the broker for the backlog of each group consumed here on a thread of its own, so
 * that a metrics scrape or a health check never waits for the broker (during an outage
 * the broker calls take seconds each). Readers get the last value and when it was taken.
 */
final class BacklogSampler implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(BacklogSampler.class);

	private final Duration interval;

	private final Map<String, Watched> watched = new ConcurrentHashMap<>();

	private volatile ScheduledExecutorService executor;

	BacklogSampler(Duration interval) {
		this.interval = interval;
	}

	/**
	 * Samples this group's backlog until every caller released it.
	 * @return what releases it
	 */
	Runnable watch(String topic, String group, BacklogProbe probe) {
		String id = id(topic, group);
		Watched entry = this.watched.compute(id, (key, existing) -> {
			Watched w = (existing != null) ? existing : new Watched(topic, group, probe);
			w.users.incrementAndGet();
			return w;
		});
		ensureRunning();
		// the first value comes soon, not one interval later
		executor().execute(() -> sample(entry));
		return () -> this.watched.computeIfPresent(id, (key, w) -> (w.users.decrementAndGet() == 0) ? null : w);
	}

	/** The last sample of a group, or {@code null} before the first one. */
	BacklogSample last(String topic, String group) {
		Watched entry = this.watched.get(id(topic, group));
		return (entry != null) ? entry.last : null;
	}

	private void sampleAll() {
		this.watched.values().forEach(this::sample);
	}

	private void sample(Watched entry) {
		try {
			entry.last = new BacklogSample(entry.probe.backlog(entry.topic, entry.group), Instant.now());
		}
		catch (RuntimeException ex) {
			// the previous value stays, its age tells how stale it is
			logger.debug("Backlog of " + entry.topic + "/" + entry.group + " not available: " + ex);
		}
	}

	private synchronized void ensureRunning() {
		if (this.executor == null) {
			ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "mqlab-backlog");
				thread.setDaemon(true);
				return thread;
			});
			started.scheduleWithFixedDelay(this::sampleAll, this.interval.toMillis(), this.interval.toMillis(),
					TimeUnit.MILLISECONDS);
			this.executor = started;
		}
	}

	private ScheduledExecutorService executor() {
		return this.executor;
	}

	@Override
	public synchronized void close() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	private static String id(String topic, String group) {
		return topic + "\u0000" + group;
	}

	private static final class Watched {

		final String topic;

		final String group;

		final BacklogProbe probe;

		final AtomicInteger users = new AtomicInteger();

		volatile BacklogSample last;

		Watched(String topic, String group, BacklogProbe probe) {
			this.topic = topic;
			this.group = group;
			this.probe = probe;
		}

	}

}
