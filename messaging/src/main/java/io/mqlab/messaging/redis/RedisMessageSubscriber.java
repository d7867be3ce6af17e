package io.mqlab.messaging.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.mqlab.messaging.BacklogProbe;
import io.mqlab.messaging.Dispatcher;
import io.mqlab.messaging.MessageSubscriber;
import io.mqlab.messaging.Subscription;
import io.mqlab.messaging.SubscriptionSpec;
import io.mqlab.messaging.listener.MessageListenerRegistry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Consumes a topic's partition streams with consumer groups (one Redis consumer group per
 * mqlab group on every partition stream), provisions groups, rewinds them and reports
 * their backlog. Each subscription is a {@link RedisSubscription}. Subscriptions stop
 * with the context, before the connection factory (a lifecycle of phase 0) stops.
 */
final class RedisMessageSubscriber implements MessageSubscriber, BacklogProbe, SmartLifecycle, DisposableBean {

	/**
	 * The largest stream sequence number: rewinding to it keeps every entry of the next
	 * millisecond.
	 */
	private static final String LAST_SEQUENCE = "18446744073709551615";

	private final StringRedisTemplate template;

	private final RedisTopology topology;

	private final RedisDeadLetters deadLetters;

	private final Settings settings;

	private final RedisStreamTrimmer trimmer;

	private final Set<RedisSubscription> subscriptions = ConcurrentHashMap.newKeySet();

	private volatile boolean running;

	RedisMessageSubscriber(StringRedisTemplate template, RedisTopology topology, Settings settings,
			RedisStreamTrimmer trimmer) {
		this.template = template;
		this.topology = topology;
		this.deadLetters = new RedisDeadLetters(template, topology);
		this.settings = settings;
		this.trimmer = trimmer;
	}

	@Override
	public Subscription subscribe(SubscriptionSpec spec, Dispatcher dispatcher) {
		provision(spec.topic(), spec.group());
		RedisSubscription subscription = new RedisSubscription(this.template, this.topology, spec, dispatcher,
				this.deadLetters.sink(spec.topic(), spec.group()), this.settings,
				() -> provision(spec.topic(), spec.group()), this.subscriptions::remove);
		this.subscriptions.add(subscription);
		subscription.start();
		return subscription;
	}

	@Override
	public void provision(String topic, String group) {
		RedisTopology.name("group", group);
		this.template.execute(RedisScripts.PROVISION, this.topology.streams(topic), group);
		this.trimmer.track(topic);
	}

	/**
	 * XGROUP SETID on every partition, to just before the first entry added at
	 * {@code from} (stream ids start with the Redis server's time in milliseconds).
	 */
	@Override
	public void rewind(String topic, String group, Instant from) {
		RedisTopology.name("group", group);
		for (RedisSubscription subscription : this.subscriptions) {
			if (subscription.topic().equals(topic) && subscription.group().equals(group)) {
				throw new IllegalStateException(
						"Stop the subscription of group '" + group + "' to " + topic + " before rewinding it");
			}
		}
		long millis = from.toEpochMilli();
		String id = (millis <= 0) ? "0-0" : (millis - 1) + "-" + LAST_SEQUENCE;
		this.template.execute(RedisScripts.REWIND, this.topology.streams(topic), group, id);
	}

	@Override
	public long backlog(String topic, String group) {
		RedisTopology.name("group", group);
		Long backlog = this.template.execute(RedisScripts.BACKLOG, this.topology.streams(topic), group);
		return (backlog != null) ? backlog : 0;
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * After the listeners stopped theirs ({@link MessageListenerRegistry#PHASE}), so the
	 * web server's graceful shutdown and the listeners' own stop come first; before the
	 * publisher and the connection factory.
	 */
	@Override
	public int getPhase() {
		return MessageListenerRegistry.PHASE - 512;
	}

	/** Stops every subscription, all at once. */
	@Override
	public void stop() {
		this.running = false;
		this.subscriptions.forEach(RedisSubscription::requestStop);
		this.subscriptions.forEach(RedisSubscription::stop);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public void destroy() {
		stop();
	}

	/**
	 * How subscriptions consume.
	 *
	 * @param visibilityTimeout lease time of a partition, and how long an entry may stay
	 * unacknowledged before another member claims it
	 * @param batchSize entries per XREADGROUP
	 * @param blockTimeout how long XREADGROUP blocks (below the command timeout)
	 */
	record Settings(Duration visibilityTimeout, int batchSize, Duration blockTimeout) {

	}

}
