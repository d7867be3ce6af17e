package io.mqlab.messaging.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Names of the Redis keys of a topic and its groups, and which partition stream a key
 * goes to. Topic and group names are validated because they become parts of key names.
 * <ul>
 * <li>{@code <prefix>:<topic>:
 *
<p>
 * }: the partition streams of a topic</li>
 * <li>{@code <prefix>:<topic>:<group>:dlq}: the group's dead letters</li>
 * <li>{@code <prefix>:<topic>:<group>:members}: live members (sorted by heartbeat)</li>
 * <li>{@code <prefix>:<topic>:<group>:lease:
 *
<p>
 * }: which member reads a partition</li>
 * </ul>
 */
final class RedisTopology {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

	private final String prefix;

	private final int partitions;

	private final AtomicInteger roundRobin = new AtomicInteger();

	RedisTopology(String prefix, int partitions) {
		if (prefix == null || prefix.isBlank()) {
			throw new IllegalArgumentException("mqlab.messaging.redis.key-prefix must not be empty");
		}
		if (partitions < 1) {
			throw new IllegalArgumentException("mqlab.messaging.partitions must be at least 1, was " + partitions);
		}
		this.prefix = prefix;
		this.partitions = partitions;
	}

	int partitions() {
		return this.partitions;
	}

	/**
	 * The partition of a key: a stable hash, so every process sends a key to the same
	 * stream. Messages without a key are spread round-robin.
	 */
	int partition(String key) {
		if (key == null) {
			return Math.floorMod(this.roundRobin.getAndIncrement(), this.partitions);
		}
		CRC32 crc = new CRC32();
		crc.update(key.getBytes(StandardCharsets.UTF_8));
		return (int) (crc.getValue() % this.partitions);
	}

	String stream(String topic, int partition) {
		return this.prefix + ":" + name("topic", topic) + ":" + partition;
	}

	List<String> streams(String topic) {
		List<String> streams = new ArrayList<>(this.partitions);
		for (int p = 0; p < this.partitions; p++) {
			streams.add(stream(topic, p));
		}
		return streams;
	}

	String deadLetters(String topic, String group) {
		return groupKey(topic, group) + ":dlq";
	}

	String members(String topic, String group) {
		return groupKey(topic, group) + ":members";
	}

	String lease(String topic, String group, int partition) {
		return groupKey(topic, group) + ":lease:" + partition;
	}

	private String groupKey(String topic, String group) {
		return this.prefix + ":" + name("topic", topic) + ":" + name("group", group);
	}

	/** Fails with {@link IllegalArgumentException} unless the name is safe in a key. */
	static String name(String kind, String value) {
		if (value == null || !NAME.matcher(value).matches()) {
			throw new IllegalArgumentException(
					"Invalid " + kind + " name '" + value + "': use letters, digits, '.', '_' and '-' only");
		}
		return value;
	}

}
