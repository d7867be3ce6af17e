package io.mqlab.messaging.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.MessagePublisher;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Publishes an envelope with XADD to the partition stream of its key; the future
 * completes with the XADD reply. {@link #publishAll} pipelines the XADDs.
 * <p>
 * A message not yet due ({@link io.mqlab.messaging.MessageHeaders#DELIVER_AT} after now)
 * goes instead into the delayed set of that partition, scored by its due time (ZADD in
 * the DELAY script; its reply is the durability point, as XADD's is), and
 * {@link RedisDelayMover} moves it into the stream when due. A due time in the past means
 * now: a plain XADD.
 * <p>
 * The template is synchronous, so the work runs on one publisher thread and the caller
 * only waits on the future (bounded by {@code mqlab.messaging.publish-timeout}). One
 * thread keeps the order of consecutive asynchronous publishes, and it works inside one
 * template session so pipelines reuse one dedicated connection (Spring Data Redis
 * pipelines on a dedicated connection, which without a pool would be a new TCP connection
 * per batch). It stops after the components that publish (handlers, the outbox relay) and
 * before the connection factory.
 */
final class RedisMessagePublisher implements MessagePublisher, SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(RedisMessagePublisher.class);

	private static final byte[] DELAY_SCRIPT = bytes(RedisScripts.DELAY.getScriptAsString());

	private final StringRedisTemplate template;

	private final RedisTopology topology;

	private final BlockingQueue<Task> tasks = new LinkedBlockingQueue<>();

	private final Thread thread;

	private final Duration publishTimeout;

	private final RedisDelayMover mover;

	private volatile boolean running = true;

	RedisMessagePublisher(StringRedisTemplate template, RedisTopology topology, Duration publishTimeout,
			RedisDelayMover mover) {
		this.template = template;
		this.topology = topology;
		this.publishTimeout = publishTimeout;
		this.mover = mover;
		this.thread = new Thread(this::run, "mqlab-redis-publisher");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	@Override
	public CompletableFuture<Void> publish(Envelope envelope) {
		Write write = write(envelope, Instant.now());
		return whenStored(submit(write::run), List.of(write));
	}

	@Override
	public CompletableFuture<Void> publishAll(List<Envelope> envelopes) {
		if (envelopes.isEmpty()) {
			return CompletableFuture.completedFuture(null);
		}
		Instant now = Instant.now();
		List<Write> writes = envelopes.stream().map((envelope) -> write(envelope, now)).toList();
		return whenStored(submit(() -> this.template.executePipelined(new SessionCallback<Object>() {
			@Override
			public <K, V> Object execute(RedisOperations<K, V> operations) throws DataAccessException {
				writes.forEach(Write::run);
				return null;
			}
		})), writes);
	}

	/**
	 * An XADD to the partition stream of the envelope's key, or for a message not yet due
	 * the DELAY script, run as a plain EVAL because a pipeline cannot fall back from
	 * EVALSHA when Redis lost its script cache.
	 */
	private Write write(Envelope envelope, Instant now) {
		Instant due = envelope.deliverAt();
		if (due == null || !due.isAfter(now)) {
			String stream = this.topology.stream(envelope.topic(), this.topology.partition(envelope.key()));
			MapRecord<String, String, String> record = StreamRecords.newRecord()
				.in(stream)
				.ofMap(RedisEnvelopes.fields(envelope));
			return new Write(() -> this.template.opsForStream().add(record), -1);
		}
		// Without a key the partition follows the id, so a re-send finds the same set.
		int partition = (envelope.key() != null) ? this.topology.partition(envelope.key())
				: Math.floorMod(envelope.id().hashCode(), this.topology.partitions());
		byte[][] keysAndArgs = { bytes(this.topology.delayed(envelope.topic(), partition)),
				bytes(this.topology.delayedRegistry()),
				// The wait left, not the due time: Redis adds it to its own clock, which
				// the
				// movers compare with, so a publisher's clock skew cannot make it early.
				bytes(Long.toString(due.toEpochMilli() - now.toEpochMilli())),
				bytes(RedisEnvelopes.delayedMember(envelope)) };
		return new Write(
				() -> this.template.execute((RedisCallback<Object>) (connection) -> connection.scriptingCommands()
					.eval(DELAY_SCRIPT, ReturnType.INTEGER, 2, keysAndArgs)),
				due.toEpochMilli());
	}

	/**
	 * Wakes the mover once Redis holds delayed messages that may be due before it looks.
	 */
	private CompletableFuture<Void> whenStored(CompletableFuture<Void> future, List<Write> writes) {
		long earliest = writes.stream().mapToLong(Write::dueMillis).filter((due) -> due >= 0).min().orElse(-1);
		if (earliest >= 0) {
			future.thenRun(() -> this.mover.stored(earliest));
		}
		return future;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private CompletableFuture<Void> submit(Runnable work) {
		CompletableFuture<Void> future = new CompletableFuture<>();
		if (!this.running) {
			future.completeExceptionally(new IllegalStateException("The Redis publisher is shut down"));
			return future;
		}
		this.tasks.add(new Task(work, future, System.nanoTime() + this.publishTimeout.toNanos()));
		return future;
	}

	private void run() {
		while (this.running || !this.tasks.isEmpty()) {
			try {
				this.template.execute(new SessionCallback<Void>() {
					@Override
					public <K, V> Void execute(RedisOperations<K, V> operations) throws DataAccessException {
						work();
						return null;
					}
				});
			}
			catch (RuntimeException ex) {
				// No connection to open a session on: fail what waits rather than hold
				// it.
				logger.debug("Cannot open a Redis session for publishing: " + ex);
				Task task;
				while ((task = this.tasks.poll()) != null) {
					task.future().completeExceptionally(ex);
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
			}
		}
	}

	/**
	 * Runs tasks until shut down or one fails; after a failure the session (and its
	 * connection) is replaced.
	 */
	private void work() {
		while (this.running || !this.tasks.isEmpty()) {
			Task task;
			try {
				task = this.tasks.poll(200, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (task == null) {
				continue;
			}
			if (System.nanoTime() > task.deadline()) {
				// the caller was told it failed: writing it now would be an unflagged
				// duplicate
				task.future().completeExceptionally(new TimeoutException("Not sent within " + this.publishTimeout));
				continue;
			}
			try {
				task.work().run();
				task.future().complete(null);
			}
			catch (RuntimeException ex) {
				task.future().completeExceptionally(ex);
				return;
			}
		}
	}

	@Override
	public void start() {
	}

	/** Publishes what is queued, then stops taking work. */
	@Override
	public void stop() {
		this.running = false;
		try {
			this.thread.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		Task task;
		while ((task = this.tasks.poll()) != null) {
			task.future().completeExceptionally(new IllegalStateException("The Redis publisher is shut down"));
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 1000;
	}

	@Override
	public void destroy() {
		stop();
	}

	/** One write to Redis; dueMillis is -1 for an immediate message. */
	private record Write(Runnable action, long dueMillis) {

		void run() {
			this.action.run();
		}

	}

	private record Task(Runnable work, CompletableFuture<Void> future, long deadline) {

	}

}
