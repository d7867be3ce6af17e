package io.mqlab.messaging.rabbit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.ShutdownSignalException;
import io.mqlab.messaging.BatchDispatchException;
import io.mqlab.messaging.DeadLetterSink;
import io.mqlab.messaging.Dispatcher;
import io.mqlab.messaging.Envelope;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.core.Message;

/**
 * Consumes one partition queue for one subscription, on a channel of its own, one message
 * at a time (the client runs a channel's deliveries serially).
 * <p>
 * Written on the client's {@code Consumer} rather than a Spring listener container
 * because leaving a single-active-consumer queue must not break per-key order: the
 * containers leave with {@code basic.cancel}, upon which the broker activates the next
 * member while this one still holds prefetched, unacknowledged messages (the next member
 * then runs later messages first). Here a consumer leaves by closing its channel after
 * the message in hand was acknowledged: the broker puts the prefetched messages back at
 * the head of the queue, in order and flagged redelivered, before it activates the next
 * member.
 * <p>
 * For a batch listener a delivery is only queued in memory, and one task at a time on the
 * subscription's threads hands what is queued to the dispatcher in one batch, then
 * acknowledges it with one {@code basic.ack} (multiple): deliveries that arrive while a
 * batch is handled make the next batch.
 */
final class RabbitQueueConsumer {

	private static final Log logger = LogFactory.getLog(RabbitQueueConsumer.class);

	private final String queue;

	private final String topic;

	private final Dispatcher dispatcher;

	private final DeadLetterSink deadLetters;

	private final int prefetch;

	/** Held while a message is dispatched; leaving waits for it. */
	private final ReentrantLock handling = new ReentrantLock();

	/** The channel consuming now; deliveries on any other one are not dispatched. */
	private volatile Channel channel;

	/** Whether the broker made this consumer the queue's active one (it delivered). */
	private volatile boolean active;

	private volatile boolean handOverRequested;

	private volatile boolean stopping;

	private volatile Thread handler;

	/** Where batches are handled: the subscription's consumer threads. */
	private final Executor batchThreads;

	/** Deliveries waiting for the next batch, bounded by the channel's prefetch. */
	private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean batchScheduled = new AtomicBoolean();

	RabbitQueueConsumer(String queue, String topic, Dispatcher dispatcher, DeadLetterSink deadLetters, int prefetch,
			Executor batchThreads) {
		this.queue = queue;
		this.topic = topic;
		this.dispatcher = dispatcher;
		this.deadLetters = deadLetters;
		// a batch listener's channel may hold a whole batch unacknowledged
		this.prefetch = Math.max(prefetch, dispatcher.maxBatch());
		this.batchThreads = batchThreads;
	}

	String queue() {
		return this.queue;
	}

	boolean isConsuming() {
		Channel current = this.channel;
		return current != null && current.isOpen();
	}

	/** Whether this consumer is the queue's active consumer (as far as it can tell). */
	boolean isActive() {
		return this.active && isConsuming();
	}

	/**
	 * Joins the queue's consumers; the broker makes this one active when no other member
	 * is, else it waits in line.
	 */
	void start(Connection connection) throws IOException {
		if (!this.handling.tryLock()) {
			// A handler still runs on the lost channel: try again on the next round.
			return;
		}
		try {
			if (this.stopping || isConsuming()) {
				return;
			}
			Channel created = connection.createChannel();
			if (created == null) {
				throw new IOException("No channel available on " + connection);
			}
			try {
				created.basicQos(this.prefetch);
				this.active = false;
				this.handOverRequested = false;
				this.channel = created;
				created.basicConsume(this.queue, false, new Deliveries(created));
			}
			catch (IOException | RuntimeException ex) {
				leave(created);
				throw ex;
			}
		}
		finally {
			this.handling.unlock();
		}
	}

	/**
	 * Lets the next waiting member take the queue over: at once when no message is in
	 * hand, else right after it was acknowledged.
	 */
	void handOver() {
		if (this.handling.tryLock()) {
			try {
				Channel current = this.channel;
				if (current != null && this.active) {
					logger.debug("Handing " + this.queue + " over to another member of its group");
					leave(current);
				}
			}
			finally {
				this.handling.unlock();
			}
		}
		else {
			this.handOverRequested = true;
		}
	}

	/** No message is dispatched from now on; the one in hand finishes. */
	void stopDispatching() {
		this.stopping = true;
	}

	/**
	 * Waits for the message in hand until the deadline, interrupts its handler if it
	 * takes longer (it is then redelivered), and leaves the queue.
	 */
	void awaitAndLeave(long deadlineNanos) throws InterruptedException {
		this.stopping = true;
		boolean locked = this.handling.tryLock(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
		if (!locked) {
			Thread running = this.handler;
			if (running != null) {
				logger.warn("Interrupting the handler of a message from " + this.queue
						+ " that did not finish in time; the message will be redelivered");
				running.interrupt();
			}
			locked = this.handling.tryLock(5, TimeUnit.SECONDS);
		}
		try {
			Channel current = this.channel;
			if (current != null) {
				leave(current);
			}
		}
		finally {
			if (locked) {
				this.handling.unlock();
			}
		}
	}

	private void onDelivery(Channel from, com.rabbitmq.client.Envelope delivery, AMQP.BasicProperties properties,
			byte[] body) {
		this.handling.lock();
		try {
			if (from != this.channel || this.stopping) {
				// Left or leaving: the broker returns it to the queue when the channel
				// closes.
				return;
			}
			this.active = true;
			if (!dispatch(delivery, properties, body)) {
				leave(from);
				return;
			}
			try {
				from.basicAck(delivery.getDeliveryTag(), false);
			}
			catch (IOException | ShutdownSignalException ex) {
				logger.warn("Could not acknowledge a message from " + this.queue + " (" + ex.getMessage()
						+ "); the broker will redeliver it, flagged as redelivered");
				leave(from);
				return;
			}
			if (this.handOverRequested) {
				logger.debug("Handing " + this.queue + " over to another member of its group");
				leave(from);
			}
		}
		finally {
			this.handling.unlock();
		}
	}

	/** Runs the dispatcher; {@code false} when the message must not be acknowledged. */
	private boolean dispatch(com.rabbitmq.client.Envelope delivery, AMQP.BasicProperties properties, byte[] body) {
		this.handler = Thread.currentThread();
		try {
			Envelope envelope = envelope(delivery, properties, body, this.topic);
			this.dispatcher.dispatch(envelope, delivery.isRedeliver(), this.deadLetters);
			return true;
		}
		catch (Exception ex) {
			// Closing the channel returns this message and those prefetched after it to
			// the head of the queue, in order; the monitor consumes the queue again.
			logger.warn("Message from " + this.queue + " not acknowledged, it will be redelivered: " + ex);
			return false;
		}
		finally {
			this.handler = null;
			Thread.interrupted();
		}
	}

	private void onBatchDelivery(Channel from, com.rabbitmq.client.Envelope delivery, AMQP.BasicProperties properties,
			byte[] body) {
		this.pending.add(new Pending(from, delivery, properties, body));
		scheduleBatch();
	}

	private void scheduleBatch() {
		if (this.pending.isEmpty() || !this.batchScheduled.compareAndSet(false, true)) {
			return;
		}
		try {
			this.batchThreads.execute(this::handleBatch);
		}
		catch (RejectedExecutionException stopped) {
			// The subscription stopped: closing its channels returns these to the queue.
			this.batchScheduled.set(false);
			this.pending.clear();
		}
	}

	/** Handles one batch, then lets the next task take what arrived meanwhile. */
	private void handleBatch() {
		this.handling.lock();
		try {
			Channel current = this.channel;
			List<Pending> batch = new ArrayList<>();
			for (Pending next = this.pending.poll(); next != null; next = this.pending.poll()) {
				// those of a channel that was left go back to the queue when it closes
				if (next.channel() == current && !this.stopping) {
					batch.add(next);
				}
				if (batch.size() == this.dispatcher.maxBatch()) {
					break;
				}
			}
			if (!batch.isEmpty()) {
				this.active = true;
				handle(current, batch);
			}
		}
		finally {
			this.handling.unlock();
			this.batchScheduled.set(false);
			scheduleBatch();
		}
	}

	private void handle(Channel from, List<Pending> batch) {
		int acknowledgeable;
		this.handler = Thread.currentThread();
		try {
			List<Dispatcher.Delivery> deliveries = new ArrayList<>(batch.size());
			for (Pending pending : batch) {
				deliveries.add(new Dispatcher.Delivery(pending.envelope(this.topic), pending.delivery().isRedeliver()));
			}
			this.dispatcher.dispatchBatch(deliveries, this.deadLetters);
			acknowledgeable = batch.size();
		}
		catch (BatchDispatchException ex) {
			logger.warn(batch.size() - ex.handled() + " message(s) from " + this.queue
					+ " not acknowledged, they will be redelivered: " + ex.getCause());
			acknowledgeable = ex.handled();
		}
		catch (RuntimeException ex) {
			logger.warn("Messages from " + this.queue + " not acknowledged, they will be redelivered: " + ex);
			acknowledgeable = 0;
		}
		finally {
			this.handler = null;
			Thread.interrupted();
		}
		if (acknowledgeable > 0 && !acknowledge(from, batch.get(acknowledgeable - 1).delivery().getDeliveryTag())) {
			return;
		}
		if (acknowledgeable < batch.size() || this.handOverRequested) {
			leave(from);
		}
	}

	/**
	 * Acknowledges every delivery up to the tag (they arrive and are handled in order).
	 */
	private boolean acknowledge(Channel from, long tag) {
		try {
			from.basicAck(tag, true);
			return true;
		}
		catch (IOException | ShutdownSignalException ex) {
			logger.warn("Could not acknowledge messages from " + this.queue + " (" + ex.getMessage()
					+ "); the broker will redeliver them, flagged as redelivered");
			leave(from);
			return false;
		}
	}

	/** Closes the channel: its unacknowledged messages go back to the queue, in order. */
	private void leave(Channel current) {
		if (this.channel == current) {
			this.channel = null;
			this.active = false;
			this.handOverRequested = false;
		}
		try {
			current.abort();
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Closing the channel of " + this.queue + " failed: " + ex);
		}
	}

	private static Envelope envelope(com.rabbitmq.client.Envelope delivery, AMQP.BasicProperties properties,
			byte[] body, String topic) {
		Message message = new Message(body,
				RabbitEnvelopes.PROPERTIES.toMessageProperties(properties, delivery, StandardCharsets.UTF_8.name()));
		return RabbitEnvelopes.fromMessage(message, topic);
	}

	/** A delivery queued for the next batch, with the channel it came on. */
	private record Pending(Channel channel, com.rabbitmq.client.Envelope delivery, AMQP.BasicProperties properties,
			byte[] body) {

		Envelope envelope(String topic) {
			return RabbitQueueConsumer.envelope(this.delivery, this.properties, this.body, topic);
		}

	}

	private final class Deliveries extends DefaultConsumer {

		Deliveries(Channel channel) {
			super(channel);
		}

		@Override
		public void handleDelivery(String consumerTag, com.rabbitmq.client.Envelope envelope,
				AMQP.BasicProperties properties, byte[] body) {
			if (RabbitQueueConsumer.this.dispatcher.maxBatch() > 1) {
				onBatchDelivery(getChannel(), envelope, properties, body);
			}
			else {
				onDelivery(getChannel(), envelope, properties, body);
			}
		}

		@Override
		public void handleCancel(String consumerTag) {
			// The queue was deleted or the broker cancelled us: the monitor consumes it
			// again (and declares it again when the group is re-provisioned).
			logger.warn("The broker cancelled the consumer of " + RabbitQueueConsumer.this.queue);
			RabbitQueueConsumer.this.handling.lock();
			try {
				leave(getChannel());
			}
			finally {
				RabbitQueueConsumer.this.handling.unlock();
			}
		}

	}

}
