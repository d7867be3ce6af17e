package io.mqlab.messaging.redis;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Keeps the partition streams from growing without bound: every
 * {@code mqlab.messaging.redis.trim-interval} it trims the streams of the topics this
 * process published to or subscribed to ({@link RedisScripts#TRIM}) down to what is
 * younger than {@code mqlab.messaging.redis.retention} or not yet acknowledged by some
 * group. So a group that lags keeps its entries whatever their age, and a group rewound
 * (or created) within the retention still finds them. Every instance trims; the script is
 * atomic, so they never disagree.
 */
final class RedisStreamTrimmer implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RedisStreamTrimmer.class);

	/** Most topics one process trims: a bound on the set of names it remembers. */
	static final int MAX_TOPICS = 10_000;

	private final StringRedisTemplate template;

	private final RedisTopology topology;

	private final Duration retention;

	private final Duration interval;

	private final Set<String> topics = ConcurrentHashMap.newKeySet();

	private volatile Thread thread;

	private volatile boolean running;

	private boolean failing;

	private volatile boolean full;

	RedisStreamTrimmer(StringRedisTemplate template, RedisTopology topology, Duration retention, Duration interval) {
		if (retention.isNegative()) {
			throw new IllegalArgumentException(
					"mqlab.messaging.redis.retention must not be negative, was " + retention);
		}
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("mqlab.messaging.redis.trim-interval must be positive, was " + interval);
		}
		this.template = template;
		this.topology = topology;
		this.retention = retention;
		this.interval = interval;
	}

	/** Remembers a topic whose streams this process trims from now on. */
	void track(String topic) {
		if (this.topics.contains(topic)) {
			return;
		}
		if (this.topics.size() >= MAX_TOPICS) {
			if (!this.full) {
				this.full = true;
				logger.warn("Trimming the streams of " + MAX_TOPICS + " topics already; not trimming " + topic
						+ " and later new topics from this process");
			}
			return;
		}
		this.topics.add(topic);
	}

	/**
	 * Trims the streams of every tracked topic once.
	 * @return how many entries were removed
	 */
	long trim() {
		long removed = 0;
		String retentionMillis = Long.toString(this.retention.toMillis());
		for (String topic : this.topics) {
			for (String stream : this.topology.streams(topic)) {
				Long count = this.template.execute(RedisScripts.TRIM, List.of(stream), retentionMillis);
				removed += (count != null) ? count : 0;
			}
		}
		return removed;
	}

	private void run() {
		while (this.running) {
			LockSupport.parkNanos(this, this.interval.toNanos());
			if (!this.running) {
				return;
			}
			try {
				long removed = trim();
				if (removed > 0 && logger.isDebugEnabled()) {
					logger.debug("Trimmed " + removed + " acknowledged stream entries older than " + this.retention);
				}
				if (this.failing) {
					logger.info("Trimming the Redis streams again");
					this.failing = false;
				}
			}
			catch (RuntimeException ex) {
				// Nothing is lost: the entries stay until a later pass trims them.
				if (!this.failing) {
					logger.warn("Cannot trim the Redis streams, retrying every " + this.interval + ": " + ex);
					this.failing = true;
				}
			}
		}
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		Thread trimmer = new Thread(this::run, "mqlab-redis-stream-trimmer");
		trimmer.setDaemon(true);
		this.thread = trimmer;
		trimmer.start();
	}

	@Override
	public void stop() {
		this.running = false;
		Thread trimmer = this.thread;
		if (trimmer == null) {
			return;
		}
		LockSupport.unpark(trimmer);
		try {
			trimmer.join(TimeUnit.SECONDS.toMillis(10));
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

	/** Stopped before the connection factory, like the publisher. */
	@Override
	public int getPhase() {
		return RedisMessagePublisher.PHASE;
	}

}
