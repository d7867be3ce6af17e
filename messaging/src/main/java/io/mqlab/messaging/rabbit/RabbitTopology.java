package io.mqlab.messaging.rabbit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import io.mqlab.messaging.Names;

import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Names and declares what a topic needs on RabbitMQ: a durable direct exchange named
 * after the topic, and per group one durable queue per partition ({@code <topic>.<group>.
 *
<p>
 * }, bound with routing key {@code
 *
<p>
 * }) plus a dead-letter queue ({@code <topic>.<group>.dlq}). Partition queues allow a
 * single active consumer (per-key order across processes, failover to the next consumer)
 * and priorities.
 */
final class RabbitTopology {

	/** The highest priority a partition queue honours (OutgoingMessage allows 0-9). */
	static final int MAX_PRIORITY = 9;

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

	private static final int MAX_QUEUE_NAME_BYTES = 255;

	private static final Map<String, Object> PARTITION_QUEUE_ARGUMENTS = Map.of("x-single-active-consumer", true,
			"x-max-priority", MAX_PRIORITY);

	private final int partitions;

	private final RabbitTemplate template;

	private final RabbitAdmin admin;

	private final AtomicInteger roundRobin = new AtomicInteger();

	private final Set<String> declaredExchanges = ConcurrentHashMap.newKeySet();

	RabbitTopology(int partitions, RabbitTemplate template) {
		if (partitions < 1) {
			throw new IllegalArgumentException("mqlab.messaging.partitions must be at least 1, was " + partitions);
		}
		this.partitions = partitions;
		this.template = template;
		this.admin = new RabbitAdmin(template);
	}

	String exchange(String topic) {
		validate("topic", topic);
		if (topic.startsWith("amq.")) {
			throw new IllegalArgumentException(
					"Topic '" + topic + "' is invalid: names starting with 'amq.' are reserved by RabbitMQ");
		}
		return topic;
	}

	String queue(String topic, String group, int partition) {
		return checkedQueueName(topic, group, Integer.toString(partition));
	}

	List<String> queues(String topic, String group) {
		List<String> queues = new ArrayList<>(this.partitions);
		for (int p = 0; p < this.partitions; p++) {
			queues.add(queue(topic, group, p));
		}
		return queues;
	}

	String deadLetterQueue(String topic, String group) {
		return checkedQueueName(topic, group, "dlq");
	}

	/**
	 * The partition of a key: CRC32 of its UTF-8 bytes (stable across processes and
	 * restarts), or round-robin for messages without a key.
	 */
	int partition(String key) {
		if (key == null) {
			return Math.floorMod(this.roundRobin.getAndIncrement(), this.partitions);
		}
		CRC32 crc = new CRC32();
		crc.update(key.getBytes(StandardCharsets.UTF_8));
		return (int) (crc.getValue() % this.partitions);
	}

	/** Declares the topic's exchange once per process (publishing needs it). */
	void declareExchange(String topic) {
		String exchange = exchange(topic);
		if (!this.declaredExchanges.contains(exchange)) {
			this.template.execute((channel) -> channel.exchangeDeclare(exchange, "direct", true));
			this.declaredExchanges.add(exchange);
		}
	}

	/** Forgets a declared exchange so the next publish declares it again. */
	void forgetExchange(String topic) {
		this.declaredExchanges.remove(topic);
	}

	/**
	 * Declares the exchange, the group's partition queues with their bindings and its
	 * dead-letter queue. Idempotent: redeclaring with the same arguments is a no-op.
	 */
	void declareGroup(String topic, String group) {
		String exchange = exchange(topic);
		List<String> queues = queues(topic, group);
		String deadLetterQueue = deadLetterQueue(topic, group);
		this.template.execute((channel) -> {
			channel.exchangeDeclare(exchange, "direct", true);
			for (int p = 0; p < queues.size(); p++) {
				channel.queueDeclare(queues.get(p), true, false, false, PARTITION_QUEUE_ARGUMENTS);
				channel.queueBind(queues.get(p), exchange, Integer.toString(p));
			}
			channel.queueDeclare(deadLetterQueue, true, false, false, null);
			return null;
		});
		this.declaredExchanges.add(exchange);
	}

	/**
	 * Ready messages and consumers of a queue, or {@code null} when it does not exist.
	 */
	QueueInformation info(String queue) {
		return this.admin.getQueueInfo(queue);
	}

	private static String checkedQueueName(String topic, String group, String suffix) {
		validate("topic", topic);
		Names.group(group);
		String name = topic + "." + group + "." + suffix;
		if (name.length() > MAX_QUEUE_NAME_BYTES) {
			throw new IllegalArgumentException("Topic and group are too long for RabbitMQ: queue name '" + name
					+ "' is over " + MAX_QUEUE_NAME_BYTES + " characters");
		}
		return name;
	}

	private static void validate(String what, String name) {
		if (name == null || !NAME.matcher(name).matches()) {
			throw new IllegalArgumentException(
					"Invalid " + what + " name '" + name + "': use only letters, digits, '.', '_' and '-'");
		}
	}

}
