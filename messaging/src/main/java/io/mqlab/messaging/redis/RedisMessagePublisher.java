package io.mqlab.messaging.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.MessagePublisher;
import io.mqlab.messaging.listener.MessageListenerRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisPipelineException;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Publishes an envelope with XADD to the partition stream of its key; the future
 * completes with the XADD reply. {@link #publishAll} pipelines the XADDs, and what
 * several callers publish at once goes out in one pipeline too.
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
 * per batch). It stops after the components that publish (handlers, the outbox relay, and
 * the web server's graceful shutdown, which lets in-flight requests publish) and before
 * the connection factory.
 */
final class RedisMessagePublisher implements MessagePublisher, SmartLifecycle, DisposableBean {

	/**
	 * Stops after the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}) and
	 * after the message listeners ({@link MessageListenerRegistry#PHASE}), so in-flight
	 * requests and handlers can still publish; still above the connection factory's phase
	 * (0).
	 */
	static final int PHASE = MessageListenerRegistry.PHASE - 1024;

	private static final Log logger = LogFactory.getLog(RedisMessagePublisher.class);

	private static final byte[] DELAY_SCRIPT = bytes(RedisScripts.DELAY.getScriptAsString());

	/** Most tasks written in one pipeline. */
	private static final int MAX_GROUP = 64;

	private final StringRedisTemplate template;

	private final RedisTopology topology;

	private final BlockingQueue<Task> tasks = new LinkedBlockingQueue<>();

	private final Thread thread;

	private final Duration publishTimeout;

	private final RedisDelayMover mover;

	private final RedisStreamTrimmer trimmer;

	private volatile boolean running = true;

	RedisMessagePublisher(StringRedisTemplate template, RedisTopology topology, Duration publishTimeout,
			RedisDelayMover mover, RedisStreamTrimmer trimmer) {
		this.template = template;
		this.topology = topology;
		this.publishTimeout = publishTimeout;
		this.mover = mover;
		this.trimmer = trimmer;
		this.thread = new Thread(this::run, "mqlab-redis-publisher");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	@Override
	public void validate(Envelope envelope) {
		RedisTopology.name("topic", envelope.topic());
	}

	@Override
	public CompletableFuture<Void> publish(Envelope envelope) {
		return whenStored(submit(List.of(write(envelope, Instant.now()))));
	}

	@Override
	public CompletableFuture<Void> publishAll(List<Envelope> envelopes) {
		if (envelopes.isEmpty()) {
			return CompletableFuture.completedFuture(null);
		}
		Instant now = Instant.now();
		return whenStored(submit(envelopes.stream().map((envelope) -> write(envelope, now)).toList()));
	}

	/**
	 * An XADD to the partition stream of the envelope's key, or for a message not yet due
	 * the DELAY script, run as a plain EVAL because a pipeline cannot fall back from
	 * EVALSHA when Redis lost its script cache.
	 */
	private Write write(Envelope envelope, Instant now) {
		this.trimmer.track(envelope.topic());
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
	private CompletableFuture<Void> whenStored(Task task) {
		CompletableFuture<Void> future = task.future();
		long earliest = task.writes().stream().mapToLong(Write::dueMillis).filter((due) -> due >= 0).min().orElse(-1);
		if (earliest >= 0) {
			future.thenRun(() -> this.mover.stored(earliest));
		}
		return future;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private Task submit(List<Write> writes) {
		Task task = new Task(writes, new CompletableFuture<>(), System.nanoTime() + this.publishTimeout.toNanos());
		if (!this.running) {
			task.future().completeExceptionally(new IllegalStateException("The Redis publisher is shut down"));
			return task;
		}
		this.tasks.add(task);
		return task;
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
	 * Runs tasks until shut down or a write fails; after a failure the session (and its
	 * connection) is replaced. The tasks queued meanwhile go out together in one pipeline
	 * (a group commit): one round trip for what several callers published at once instead
	 * of one each, in queue order.
	 */
	private void work() {
		List<Task> group = new ArrayList<>();
		while (this.running || !this.tasks.isEmpty()) {
			Task first;
			try {
				first = this.tasks.poll(200, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (first == null) {
				continue;
			}
			group.clear();
			group.add(first);
			this.tasks.drainTo(group, MAX_GROUP - 1);
			// the caller was told it failed: writing it now would be an unflagged
			// duplicate
			group.removeIf(this::expired);
			if (!group.isEmpty() && !write(group)) {
				return;
			}
		}
	}

	private boolean expired(Task task) {
		if (System.nanoTime() - task.deadline() > 0) {
			task.future().completeExceptionally(new TimeoutException("Not sent within " + this.publishTimeout));
			return true;
		}
		return false;
	}

	/**
	 * Writes a group of tasks and completes their futures: a lone write directly, more in
	 * one pipeline. A task fails if one of its writes failed.
	 * @return whether every write succeeded
	 */
	private boolean write(List<Task> group) {
		if (group.size() == 1 && group.get(0).writes().size() == 1) {
			Task task = group.get(0);
			try {
				task.writes().get(0).run();
				task.future().complete(null);
				return true;
			}
			catch (RuntimeException ex) {
				task.future().completeExceptionally(ex);
				return false;
			}
		}
		try {
			this.template.executePipelined(new SessionCallback<Object>() {
				@Override
				public <K, V> Object execute(RedisOperations<K, V> operations) throws DataAccessException {
					group.forEach((task) -> task.writes().forEach(Write::run));
					return null;
				}
			});
			group.forEach((task) -> task.future().complete(null));
			return true;
		}
		catch (RedisPipelineException ex) {
			failed(group, ex, ex.getPipelineResult());
			return false;
		}
		catch (RuntimeException ex) {
			failed(group, ex, List.of());
			return false;
		}
	}

	/**
	 * Fails the tasks with a failed write; all of them unless the results (one per write,
	 * exceptions in place) tell which.
	 */
	private static void failed(List<Task> group, RuntimeException ex, List<Object> results) {
		int writes = group.stream().mapToInt((task) -> task.writes().size()).sum();
		int next = 0;
		for (Task task : group) {
			boolean failed = results.size() != writes;
			for (int i = 0; i < task.writes().size() && !failed; i++) {
				failed = results.get(next + i) instanceof Throwable;
			}
			next += task.writes().size();
			if (failed) {
				task.future().completeExceptionally(ex);
			}
			else {
				task.future().complete(null);
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
		return PHASE;
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

	/** The writes of one publish or publishAll, completed together. */
	private record Task(List<Write> writes, CompletableFuture<Void> future, long deadline) {

	}

}
