package io.mqlab.cdc.capture;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mqlab.cdc.CdcSettings;
import io.mqlab.cdc.SourceDatabase;
import io.mqlab.cdc.change.ProductChanged;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.OutgoingMessage;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The capture role: once this instance holds the capture lock, runs Debezium's embedded
 * engine on the catalog (initial snapshot, then the slot's stream) and publishes every
 * change of the products table to the changes topic, keyed by SKU. Debezium's offset of a
 * batch is marked processed only after the broker confirmed all of the batch, so a crash
 * re-delivers rather than loses; the sinks' LSN versions absorb the duplicates. A failed
 * engine is restarted while the lock is held; a lost lock stops it.
 */
class DebeziumCapture implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(DebeziumCapture.class);

	private final CdcSettings settings;

	private final SourceDatabase source;

	private final Messaging messaging;

	private final CaptureState state;

	private final CaptureLock lock;

	private final HeartbeatTable heartbeat;

	private final Counter publishedCounter;

	private final Timer lag;

	private volatile boolean running;

	private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;

	private Thread thread;

	DebeziumCapture(CdcSettings settings, SourceDatabase source, Messaging messaging, CaptureState state,
			MeterRegistry meters) {
		this.settings = settings;
		this.source = source;
		this.messaging = messaging;
		this.state = state;
		this.lock = new CaptureLock(settings.source(), Identifiers.require(settings.capture().slot()));
		this.heartbeat = new HeartbeatTable(source, settings.capture());
		this.publishedCounter = Counter.builder("cdc.capture.published")
			.description("Changes the capture published")
			.register(meters);
		this.lag = Timer.builder("cdc.capture.lag")
			.description("Source commit to confirmed publish")
			.publishPercentiles(0.5, 0.99)
			.register(meters);
	}

	@Override
	public synchronized void start() {
		this.running = true;
		this.state.phase(CaptureState.Phase.WAITING);
		this.thread = new Thread(this::superviseEngine, "cdc-capture");
		this.thread.start();
	}

	@Override
	public void stop() {
		this.running = false;
		closeEngine();
		Thread supervisor = this.thread;
		if (supervisor != null) {
			supervisor.interrupt();
			try {
				supervisor.join(30_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.lock.close();
		this.state.phase(CaptureState.Phase.STOPPED);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Before the listeners stop (they stop at the default phase). */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 100;
	}

	private void superviseEngine() {
		Duration poll = this.settings.capture().lockPollInterval();
		while (this.running) {
			try {
				if (!this.lock.tryAcquire()) {
					this.state.phase(CaptureState.Phase.WAITING);
					sleep(poll);
					continue;
				}
				logger.info("Holding the capture lock of slot {}: capturing", this.settings.capture().slot());
				this.state.phase(CaptureState.Phase.CAPTURING);
				this.heartbeat.check();
				runEngineWhileLocked(poll);
				if (this.running) {
					this.state.phase(CaptureState.Phase.RESTARTING);
					sleep(this.settings.capture().restartDelay());
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException | java.sql.SQLException ex) {
				this.state.failed(ex.toString());
				logger.warn("Capture failed; trying again in {}", this.settings.capture().restartDelay(), ex);
				try {
					sleep(this.settings.capture().restartDelay());
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	/** Runs the engine until it ends, the lock is lost or the service stops. */
	private void runEngineWhileLocked(Duration poll) throws InterruptedException {
		CountDownLatch ended = new CountDownLatch(1);
		DebeziumEngine<RecordChangeEvent<SourceRecord>> built = DebeziumEngine
			.create(ChangeEventFormat.of(Connect.class))
			.using(DebeziumProperties.of(this.settings, this.heartbeat.actionQuery()))
			.notifying(this::publish)
			.using((success, message, error) -> {
				if (!success) {
					this.state.failed(message);
					logger.warn("Debezium engine ended: {}", message, error);
				}
				ended.countDown();
			})
			.build();
		this.engine = built;
		Thread worker = new Thread(built, "cdc-debezium");
		worker.start();
		while (!ended.await(poll.toMillis(), TimeUnit.MILLISECONDS)) {
			if (!this.running) {
				break;
			}
			if (!this.lock.held()) {
				logger.warn("Lost the capture lock (its connection is gone): stopping the engine");
				break;
			}
		}
		closeEngine();
		worker.join(30_000);
	}

	private void closeEngine() {
		DebeziumEngine<RecordChangeEvent<SourceRecord>> current = this.engine;
		this.engine = null;
		if (current != null) {
			try {
				current.close();
			}
			catch (IOException | IllegalStateException ex) {
				// already shut down (it failed): nothing left to close
				logger.debug("Debezium engine already closed", ex);
			}
		}
	}

	/**
	 * Publishes a batch and only then marks it processed: Debezium stores (and confirms
	 * to the slot) only offsets of records the broker holds.
	 */
	private void publish(List<RecordChangeEvent<SourceRecord>> records,
			DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
		List<OutgoingMessage> messages = new ArrayList<>(records.size());
		ProductChanged last = null;
		for (RecordChangeEvent<SourceRecord> record : records) {
			ProductChanged change = ChangeEvents.read(record.record());
			if (change != null) {
				messages.add(OutgoingMessage.of(this.settings.topic(), change.sku(), change)
					.withId(ChangeIds.of(this.settings.capture().slot(), change)));
				last = change;
			}
		}
		if (!messages.isEmpty()) {
			publishUntilConfirmed(messages);
			this.publishedCounter.increment(messages.size());
			this.state.published(messages.size(), last.lsn(), last.commitTime());
			if (!last.fromSnapshot()) {
				this.lag.record(Duration.between(last.commitTime(), Instant.now()));
			}
		}
		for (RecordChangeEvent<SourceRecord> record : records) {
			committer.markProcessed(record);
		}
		committer.markBatchFinished();
	}

	/** The engine waits here while the broker is down: nothing is marked processed. */
	private void publishUntilConfirmed(List<OutgoingMessage> messages) throws InterruptedException {
		Duration backoff = Duration.ofMillis(200);
		while (true) {
			try {
				this.messaging.publishAll(messages);
				return;
			}
			catch (RuntimeException ex) {
				if (!this.running || Thread.currentThread().isInterrupted()) {
					throw new InterruptedException("Capture stopping with an unconfirmed batch: " + ex);
				}
				this.state.failed(ex.toString());
				logger.warn("Publishing {} changes failed; retrying in {}", messages.size(), backoff, ex);
				sleep(backoff);
				backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10)
						: backoff.multipliedBy(2);
			}
		}
	}

	private static void sleep(Duration duration) throws InterruptedException {
		Thread.sleep(duration.toMillis());
	}

}
