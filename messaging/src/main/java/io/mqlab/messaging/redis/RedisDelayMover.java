package io.mqlab.messaging.redis;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.Backend;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Moves delayed messages into their partition streams when they are due, on a thread of
 * its own (never a listener thread). Every instance runs one; the move script is atomic,
 * so they never move a message twice.
 * <p>
 * No busy polling: after moving what is due it sleeps until the earliest due time in the
 * registry, at most {@link #MAX_SLEEP}, and a publish from this process of a message due
 * earlier than that wakes it at once. A message published by another instance is moved by
 * that instance's mover, or by this one within {@link #MAX_SLEEP} of its due time (e.g.
 * when its publisher died).
 * <p>
 * Whether a message is due is decided by the Redis server's clock ({@code TIME} in the
 * scripts), not this JVM's: one clock for all movers, so a mover on a host whose clock
 * runs ahead cannot move a message before the others would. The publisher sends the wait
 * left and the store script adds it to the server's clock, so a publisher's clock skew
 * cannot make a message early either (it only shifts the header's due time).
 */
final class RedisDelayMover implements SmartLifecycle {

	/**
	 * The longest sleep: bounds how late a message published by another instance is moved
	 * when nothing woke this mover, and how soon it notices Redis is back.
	 */
	static final Duration MAX_SLEEP = Duration.ofSeconds(1);

	private static final Log logger = LogFactory.getLog(RedisDelayMover.class);

	/** Due sets read per registry look-up, and messages moved per script call. */
	private static final int BATCH = 500;

	private final StringRedisTemplate template;

	private final RedisTopology topology;

	private final MeterRegistry meters;

	private volatile Thread thread;

	private volatile boolean running;

	/**
	 * When the mover looks next, epoch ms by this JVM's clock; MAX_VALUE while it is
	 * looking, so a publish during a look makes it look again.
	 */
	private volatile long nextLook = Long.MAX_VALUE;

	private boolean failing;

	/** Sets that failed to move, warned about once until they move again. */
	private final Set<String> failingSets = new HashSet<>();

	RedisDelayMover(StringRedisTemplate template, RedisTopology topology, MeterRegistry meters) {
		this.template = template;
		this.topology = topology;
		this.meters = meters;
	}

	/**
	 * Tells the mover this process stored a delayed message due at this time (epoch ms),
	 * so it looks at once if it would otherwise sleep past it.
	 */
	void stored(long dueMillis) {
		Thread mover = this.thread;
		if (mover != null && dueMillis < this.nextLook) {
			LockSupport.unpark(mover);
		}
	}

	private void run() {
		while (this.running) {
			this.nextLook = Long.MAX_VALUE;
			long sleepMillis = MAX_SLEEP.toMillis();
			try {
				long untilDue = moveDue();
				if (untilDue >= 0) {
					sleepMillis = Math.min(untilDue, sleepMillis);
				}
				if (this.failing) {
					logger.info("Moving delayed messages again");
					this.failing = false;
				}
			}
			catch (RuntimeException ex) {
				// They stay in Redis: moved on a later look.
				if (!this.failing) {
					logger.warn("Cannot move delayed messages, retrying every " + MAX_SLEEP + ": " + ex);
					this.failing = true;
				}
			}
			this.nextLook = System.currentTimeMillis() + sleepMillis;
			if (sleepMillis > 0 && this.running) {
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(sleepMillis));
			}
		}
	}

	/**
	 * Moves everything due. A set that cannot be moved (e.g. a key of another type under
	 * its name) is skipped until the next look rather than holding up the others.
	 * @return milliseconds until the next message is due, -1 when none waits
	 */
	private long moveDue() {
		String registry = this.topology.delayedRegistry();
		Set<String> failed = new HashSet<>();
		while (this.running) {
			List<?> due = this.template.execute(RedisScripts.DUE, List.of(registry), Integer.toString(BATCH));
			if (due == null || due.isEmpty()) {
				return -1;
			}
			boolean progress = false;
			for (Object set : due.subList(1, due.size())) {
				if (failed.contains(set)) {
					continue;
				}
				try {
					move((String) set, registry);
					progress = true;
					this.failingSets.remove(set);
				}
				catch (RuntimeException ex) {
					failed.add((String) set);
					if (this.failingSets.add((String) set)) {
						logger.warn("Cannot move the delayed messages of '" + set + "', retrying: " + ex);
					}
				}
			}
			if (!progress) {
				return (due.size() == 1) ? ((Number) due.get(0)).longValue() : -1;
			}
		}
		return -1;
	}

	private void move(String set, String registry) {
		String stream = this.topology.streamOfDelayed(set);
		if (stream == null) {
			logger.warn("Ignoring '" + set + "' in " + registry + ": not a delayed set of this prefix");
			this.template.opsForZSet().remove(registry, set);
			return;
		}
		long moved;
		do {
			Long count = this.template.execute(RedisScripts.MOVE, List.of(set, stream, registry),
					Integer.toString(BATCH));
			moved = (count != null) ? count : 0;
			if (moved > 0) {
				Counter.builder("mqlab.delayed.moved")
					.description("Delayed messages moved into their stream when due")
					.tags("backend", Backend.REDIS.id(), "topic", this.topology.topicOfStream(stream))
					.register(this.meters)
					.increment(moved);
			}
		}
		while (moved == BATCH && this.running);
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		Thread mover = new Thread(this::run, "mqlab-redis-delay-mover");
		mover.setDaemon(true);
		this.thread = mover;
		mover.start();
	}

	/** Stops after the look in progress (a script call is never cut in half). */
	@Override
	public void stop() {
		this.running = false;
		Thread mover = this.thread;
		if (mover == null) {
			return;
		}
		LockSupport.unpark(mover);
		try {
			mover.join(10_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.thread = null;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Like the publisher: stopped after the web server's graceful shutdown (a request may
	 * still be publishing delayed messages) and before the connection factory.
	 */
	@Override
	public int getPhase() {
		return RedisMessagePublisher.PHASE;
	}

}
