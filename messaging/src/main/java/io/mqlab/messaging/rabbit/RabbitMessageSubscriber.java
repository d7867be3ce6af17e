package io.mqlab.messaging.rabbit;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.mqlab.messaging.BacklogProbe;
import io.mqlab.messaging.DeadLetterSink;
import io.mqlab.messaging.Dispatcher;
import io.mqlab.messaging.MessageSubscriber;
import io.mqlab.messaging.Subscription;
import io.mqlab.messaging.SubscriptionSpec;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Consumes a group's partition queues (see {@link RabbitSubscription}) and reports the
 * group's backlog as the messages ready in them.
 */
final class RabbitMessageSubscriber implements MessageSubscriber, BacklogProbe, DisposableBean {

	private static final Log logger = LogFactory.getLog(RabbitMessageSubscriber.class);

	private final RabbitConnections connections;

	private final RabbitTopology topology;

	private final RabbitDeadLetters deadLetters;

	private final int prefetch;

	private final Duration monitorInterval;

	private final Duration shutdownTimeout;

	private final ScheduledExecutorService monitor;

	private final Set<RabbitSubscription> subscriptions = ConcurrentHashMap.newKeySet();

	RabbitMessageSubscriber(RabbitConnections connections, RabbitTopology topology, RabbitDeadLetters deadLetters,
			int prefetch, Duration monitorInterval, Duration shutdownTimeout) {
		if (prefetch < 1) {
			throw new IllegalArgumentException("mqlab.messaging.rabbitmq.prefetch must be at least 1, was " + prefetch);
		}
		this.connections = connections;
		this.topology = topology;
		this.deadLetters = deadLetters;
		this.prefetch = prefetch;
		this.monitorInterval = monitorInterval;
		this.shutdownTimeout = shutdownTimeout;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("mqlab-rabbit-monitor-");
		threads.setDaemon(true);
		this.monitor = Executors.newSingleThreadScheduledExecutor(threads);
	}

	@Override
	public Subscription subscribe(SubscriptionSpec spec, Dispatcher dispatcher) {
		String topic = spec.topic();
		String group = spec.group();
		this.topology.declareGroup(topic, group);
		CustomizableThreadFactory consumerThreadFactory = new CustomizableThreadFactory(
				"mqlab-" + topic + "." + group + "-");
		// a handler that ignores interrupts must not keep the JVM alive after the context
		// closed
		consumerThreadFactory.setDaemon(true);
		ExecutorService consumerThreads = Executors.newFixedThreadPool(spec.concurrency(), consumerThreadFactory);
		CachingConnectionFactory connectionFactory = this.connections
			.newConnectionFactory("mqlab " + topic + " " + group, consumerThreads);
		DeadLetterSink sink = (deadLetter) -> this.deadLetters.store(topic, group, deadLetter);
		List<RabbitQueueConsumer> consumers = this.topology.queues(topic, group)
			.stream()
			.map((queue) -> new RabbitQueueConsumer(queue, topic, dispatcher, sink, this.prefetch, consumerThreads))
			.toList();
		RabbitSubscription subscription = new RabbitSubscription(topic, group, consumers, connectionFactory,
				consumerThreads, this.topology, this.shutdownTimeout, this.subscriptions::remove);
		this.subscriptions.add(subscription);
		try {
			subscription.start(this.monitor, this.monitorInterval);
		}
		catch (Exception ex) {
			subscription.stop();
			throw new AmqpException("Cannot consume topic '" + topic + "' in group '" + group + "': " + ex, ex);
		}
		logger.info("Consuming topic '" + topic + "' in group '" + group + "' from " + consumers.size()
				+ " partition queues with " + spec.concurrency() + " thread(s)");
		return subscription;
	}

	@Override
	public void provision(String topic, String group) {
		this.topology.declareGroup(topic, group);
	}

	/** Messages ready in the group's partition queues (not those being handled). */
	@Override
	public long backlog(String topic, String group) {
		long ready = 0;
		for (String queue : this.topology.queues(topic, group)) {
			QueueInformation info = this.topology.info(queue);
			if (info != null) {
				ready += info.getMessageCount();
			}
		}
		return ready;
	}

	@Override
	public void destroy() {
		for (RabbitSubscription subscription : List.copyOf(this.subscriptions)) {
			subscription.stop();
		}
		this.monitor.shutdownNow();
	}

}
