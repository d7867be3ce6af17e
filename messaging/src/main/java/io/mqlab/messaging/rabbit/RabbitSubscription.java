package io.mqlab.messaging.rabbit;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.mqlab.messaging.Subscription;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * One subscription: a consumer on each of the group's partition queues, over a connection
 * whose consumer thread pool has {@code concurrency} threads, so that many queues are
 * handled at once. A monitor restarts consumers that were lost (connection failure, a
 * failed message) and balances the group: every member waits on every queue and the
 * broker makes one of them active per queue; the first member to subscribe is active
 * everywhere, so a member holding more than its share of queues hands the excess over to
 * the next waiting member.
 */
final class RabbitSubscription implements Subscription {

	private static final Log logger = LogFactory.getLog(RabbitSubscription.class);

	private final String topic;

	private final String group;

	private final List<RabbitQueueConsumer> consumers;

	private final CachingConnectionFactory connectionFactory;

	private final ExecutorService consumerThreads;

	private final RabbitTopology topology;

	private final Duration shutdownTimeout;

	private final Consumer<RabbitSubscription> onStop;

	private final AtomicBoolean running = new AtomicBoolean();

	private volatile ScheduledFuture<?> monitor;

	private boolean reportedFailure;

	RabbitSubscription(String topic, String group, List<RabbitQueueConsumer> consumers,
			CachingConnectionFactory connectionFactory, ExecutorService consumerThreads, RabbitTopology topology,
			Duration shutdownTimeout, Consumer<RabbitSubscription> onStop) {
		this.topic = topic;
		this.group = group;
		this.consumers = consumers;
		this.connectionFactory = connectionFactory;
		this.consumerThreads = consumerThreads;
		this.topology = topology;
		this.shutdownTimeout = shutdownTimeout;
		this.onStop = onStop;
	}

	/** Consumes every queue now (failing if it cannot), then keeps watch. */
	void start(ScheduledExecutorService scheduler, Duration interval) throws IOException {
		this.running.set(true);
		consumeAll();
		long millis = interval.toMillis();
		this.monitor = scheduler.scheduleWithFixedDelay(this::monitor, millis, millis, TimeUnit.MILLISECONDS);
	}

	@Override
	public String topic() {
		return this.topic;
	}

	@Override
	public String group() {
		return this.group;
	}

	@Override
	public boolean isRunning() {
		return this.running.get();
	}

	@Override
	public void stop() {
		if (!this.running.compareAndSet(true, false)) {
			return;
		}
		ScheduledFuture<?> task = this.monitor;
		if (task != null) {
			task.cancel(false);
		}
		synchronized (this) {
			this.consumers.forEach(RabbitQueueConsumer::stopDispatching);
			long deadline = System.nanoTime() + this.shutdownTimeout.toNanos();
			try {
				for (RabbitQueueConsumer consumer : this.consumers) {
					consumer.awaitAndLeave(deadline);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.connectionFactory.destroy();
				this.consumerThreads.shutdown();
				this.onStop.accept(this);
			}
		}
		logger.info("Stopped consuming topic '" + this.topic + "' in group '" + this.group + "'");
	}

	private synchronized void consumeAll() throws IOException {
		if (this.consumers.stream().allMatch(RabbitQueueConsumer::isConsuming)) {
			return;
		}
		// Declared again in case the broker lost them (or they were deleted).
		this.topology.declareGroup(this.topic, this.group);
		com.rabbitmq.client.Connection connection = this.connectionFactory.createConnection().getDelegate();
		for (RabbitQueueConsumer consumer : this.consumers) {
			if (this.running.get()) {
				consumer.start(connection);
			}
		}
	}

	private synchronized void monitor() {
		if (!this.running.get()) {
			return;
		}
		try {
			consumeAll();
			balance();
			if (this.reportedFailure) {
				logger.info("Consuming topic '" + this.topic + "' in group '" + this.group + "' again");
				this.reportedFailure = false;
			}
		}
		catch (Exception ex) {
			if (!this.reportedFailure) {
				logger.warn("Cannot consume topic '" + this.topic + "' in group '" + this.group
						+ "' right now, retrying: " + ex);
				this.reportedFailure = true;
			}
		}
	}

	/**
	 * Every member has one consumer on every queue, so a queue's consumer count is the
	 * number of members. A member active on more than its share hands queues over.
	 */
	private void balance() {
		int members = 0;
		for (RabbitQueueConsumer consumer : this.consumers) {
			QueueInformation info = this.topology.info(consumer.queue());
			if (info != null) {
				members = Math.max(members, info.getConsumerCount());
			}
		}
		if (members < 2) {
			return;
		}
		int share = (this.consumers.size() + members - 1) / members;
		List<RabbitQueueConsumer> active = this.consumers.stream().filter(RabbitQueueConsumer::isActive).toList();
		for (int i = share; i < active.size(); i++) {
			active.get(i).handOver();
		}
	}

}
