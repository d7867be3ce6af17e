package io.mqlab.bench.mqlab;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.mqlab.bench.Progress;
import io.mqlab.bench.workload.BacklogPoint;
import io.mqlab.bench.workload.DeliveryTracker;
import io.mqlab.bench.workload.PhaseRouter;

/**
 * Samples the backlog (confirmed but unhandled messages) five times a second for the
 * report, and prints a progress line every second.
 */
final class BacklogSampler implements AutoCloseable {

	private static final long SAMPLE_MILLIS = 200;

	private final String backend;

	private final PhaseRouter router;

	private final long startNanos = System.nanoTime();

	private final List<BacklogPoint> points = new CopyOnWriteArrayList<>();

	private final ScheduledExecutorService scheduler;

	private volatile int planned;

	private long ticks;

	private long lastConfirmed;

	private long lastDelivered;

	private DeliveryTracker lastTracker;

	BacklogSampler(String backend, PhaseRouter router) {
		this.backend = backend;
		this.router = router;
		this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "bench-sampler");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler.scheduleAtFixedRate(this::sample, SAMPLE_MILLIS, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
	}

	/** Says how many messages the running phase publishes, for the progress line. */
	void planned(int messages) {
		this.planned = messages;
	}

	List<BacklogPoint> points() {
		return List.copyOf(this.points);
	}

	private void sample() {
		DeliveryTracker tracker = this.router.current();
		if (tracker == null) {
			return;
		}
		double seconds = (System.nanoTime() - this.startNanos) / 1e9;
		this.points.add(new BacklogPoint(Math.round(seconds * 100) / 100.0, this.router.backlog(), tracker.phase()));
		if (tracker != this.lastTracker) {
			this.lastTracker = tracker;
			this.lastConfirmed = 0;
			this.lastDelivered = 0;
		}
		if (++this.ticks % (1000 / SAMPLE_MILLIS) == 0) {
			long confirmed = tracker.confirmedCount();
			long delivered = tracker.distinctCount();
			Progress.say(this.backend,
					String.format("mqlab %-14s %6.1f s  published %,d/%,d (%,d/s)  consumed %,d (%,d/s)  backlog %,d",
							tracker.phase(), seconds, confirmed, this.planned, confirmed - this.lastConfirmed,
							delivered, delivered - this.lastDelivered, this.router.backlog()));
			this.lastConfirmed = confirmed;
			this.lastDelivered = delivered;
		}
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
	}

}
