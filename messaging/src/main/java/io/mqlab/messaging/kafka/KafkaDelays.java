package io.mqlab.messaging.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;

import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.MessageHeaders;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Delayed delivery on Kafka, which has none built in. Two modes:
 * <ul>
 * <li><b>forwarder</b> (default): a message that must wait goes to a delay topic of its
 * topic ({@link KafkaDelayTiers}) and a {@link KafkaDelayForwarder} moves it to the topic
 * when due. The forwarder of a topic runs in every process of this library that publishes
 * delayed messages to it or subscribes to it, so it runs where the consumers run; a
 * subscriber that started before the topic had delay topics starts it once they
 * appear.</li>
 * <li><b>consumer-check</b>: a delayed message goes straight to its topic and each
 * consuming group pauses the partition until the head record is due. No extra topic, but
 * a partition waits for its head: a message of any key published after a delayed one on
 * the same partition waits until that one is due, even if it was not delayed.</li>
 * </ul>
 * Ordering: with the forwarder a delayed message enters its topic when due, behind what
 * was published before then, so delayed messages are not ordered relative to immediate
 * ones, nor to each other except by due time. With the consumer check they keep partition
 * order instead, at the price above. Either way pending ones survive restarts of the
 * services and of the broker: Kafka persists the topics and the committed offsets.
 */
final class KafkaDelays implements DisposableBean {

	private static final Log logger = LogFactory.getLog(KafkaDelays.class);

	/** How often a subscriber looks whether its topic got delay topics. */
	private static final Duration WATCH_INTERVAL = Duration.ofSeconds(5);

	private final KafkaClients clients;

	private final boolean consumerCheck;

	private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

	private final KafkaPartitionHolds holds;

	private final Map<String, KafkaDelayForwarder> forwarders = new ConcurrentHashMap<>();

	private final Set<String> watched = ConcurrentHashMap.newKeySet();

	private final ScheduledFuture<?> watch;

	private volatile boolean stopped;

	KafkaDelays(KafkaClients clients, boolean consumerCheck) {
		this.clients = clients;
		this.consumerCheck = consumerCheck;
		this.scheduler.setThreadNamePrefix("mqlab-kafka-delays-");
		this.scheduler.setDaemon(true);
		this.scheduler.initialize();
		this.holds = new KafkaPartitionHolds(this.scheduler);
		this.watch = this.scheduler.scheduleWithFixedDelay(this::startWatched, WATCH_INTERVAL);
	}

	boolean consumerCheck() {
		return this.consumerCheck;
	}

	KafkaPartitionHolds holds() {
		return this.holds;
	}

	/**
	 * The Kafka topic an envelope is published to: a delay topic when it must still wait
	 * and the forwarder mode is on, else its own.
	 */
	String destination(Envelope envelope, long now) {
		String topic = KafkaClients.name(envelope.topic(), "topic");
		if (this.consumerCheck) {
			return topic;
		}
		String due = envelope.header(MessageHeaders.DELIVER_AT);
		if (due == null) {
			return topic;
		}
		long remaining;
		try {
			remaining = Long.parseLong(due) - now;
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Message " + envelope.id() + " has an unreadable due time '" + due + "'",
					ex);
		}
		return (remaining > 0) ? KafkaDelayTiers.topicFor(topic, remaining) : topic;
	}

	/**
	 * Before publishing delayed messages of these topics: their delay topics and
	 * forwarders.
	 */
	void publishing(Collection<String> delayedTopics) {
		for (String topic : delayedTopics) {
			this.clients.ensureDelayTopics(topic);
			forward(topic);
		}
	}

	/**
	 * A process consumes the topic: it forwards its delayed messages too, soon if the
	 * topic has delay topics, else once it has. Looked up in the background: subscribing
	 * does not wait for it.
	 */
	void subscribed(String topic) {
		if (this.stopped || this.forwarders.containsKey(topic) || !this.watched.add(topic)) {
			return;
		}
		try {
			this.scheduler.execute(() -> startIfUsed(topic));
		}
		catch (RejectedExecutionException ex) {
			// Closing: nothing to forward from this process any more.
		}
	}

	/**
	 * Synchronized with {@link #destroy()}: no forwarder starts after it stopped them.
	 */
	private synchronized void forward(String topic) {
		if (this.stopped) {
			return;
		}
		this.forwarders.computeIfAbsent(topic, (key) -> {
			KafkaDelayForwarder forwarder = new KafkaDelayForwarder(key, this.clients, this.holds);
			forwarder.start();
			return forwarder;
		});
		this.watched.remove(topic);
	}

	private boolean hasDelayTopics(String topic) {
		return !this.clients.partitionsOf(KafkaDelayTiers.topic(topic, 0)).isEmpty();
	}

	private void startWatched() {
		this.watched.forEach(this::startIfUsed);
	}

	private void startIfUsed(String topic) {
		try {
			if (this.watched.contains(topic) && hasDelayTopics(topic)) {
				forward(topic);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not start forwarding the delayed messages of " + topic + ", will try again: " + ex);
		}
	}

	@Override
	public synchronized void destroy() {
		this.stopped = true;
		this.watch.cancel(false);
		this.forwarders.values().forEach(KafkaDelayForwarder::stop);
		this.forwarders.clear();
		this.scheduler.shutdown();
	}

}
