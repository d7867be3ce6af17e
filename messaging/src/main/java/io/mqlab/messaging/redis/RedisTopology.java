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
 * <li>{@code <prefix>:<topic>:<n>}: the partition streams of a topic</li>
 * <li>{@code <prefix>:<topic>:<n>:delayed}: delayed messages bound for stream n, scored
 * by due time</li>
 * <li>{@code <prefix>:delayed}: every delayed set, scored by its earliest due time</li>
 * <li>{@code <prefix>:<topic>:<group>:dlq}: the group's dead letters</li>
 * <li>{@code <prefix>:<topic>:<group>:members}: live members (sorted by heartbeat)</li>
 * <li>{@code <prefix>:<topic>:<group>:lease:<n>}: which member reads a partition</li>
 * </ul>
 * No two of these can be equal: topics and groups hold no ':', a group key always has a
 * suffix after the group, and only the registry has two parts.
 */
final class RedisTopology {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

	private static final String DELAYED_SUFFIX = ":delayed";

	private final String prefix;

	private final int partitions;

	private final Pattern streamName;

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
		this.streamName = Pattern.compile(Pattern.quote(prefix) + ":" + NAME.pattern() + ":[0-9]+");
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

	/** The sorted set of delayed messages bound for a partition stream. */
	String delayed(String topic, int partition) {
		return stream(topic, partition) + DELAYED_SUFFIX;
	}

	/** The registry of delayed sets, each scored by its earliest due time. */
	String delayedRegistry() {
		return this.prefix + DELAYED_SUFFIX;
	}

	/**
	 * The partition stream a delayed set feeds, or {@code null} if the name is not one of
	 * a delayed set of this prefix.
	 */
	String streamOfDelayed(String delayed) {
		if (!delayed.endsWith(DELAYED_SUFFIX)) {
			return null;
		}
		String stream = delayed.substring(0, delayed.length() - DELAYED_SUFFIX.length());
		return this.streamName.matcher(stream).matches() ? stream : null;
	}

	/** The topic of a partition stream's name. */
	String topicOfStream(String stream) {
		return stream.substring(this.prefix.length() + 1, stream.lastIndexOf(':'));
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
