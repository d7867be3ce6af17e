package io.mqlab.messaging;

import java.util.regex.Pattern;

/**
 * The names every backend accepts for topics and groups. Adapters join them with '.' into
 * RabbitMQ queue names ({@code <topic>.<group>.<partition>}) and Kafka dead-letter topics
 * ({@code <topic>.<group>.dlt}): topics keep their dots ({@code order.requests}), so
 * groups have none, and no two (topic, group) pairs can share a queue or a dead-letter
 * topic. A topic may not end like a name the library derives from one.
 */
public final class Names {

	/** Longest topic or group name: Kafka's 249 characters fit topic.group.dlt. */
	public static final int MAX_LENGTH = 120;

	private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

	private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_LENGTH + "}");

	private static final Pattern DERIVED_TOPIC = Pattern.compile(".*(\\.dlt|\\.dlq|\\.mqlab-.*)");

	private Names() {
	}

	/**
	 * Returns the topic name.
	 * @throws IllegalArgumentException when it is not a valid topic name
	 */
	public static String topic(String topic) {
		if (topic == null || !TOPIC.matcher(topic).matches()) {
			throw new IllegalArgumentException(
					"Invalid topic name '" + topic + "': use 1 to " + MAX_LENGTH + " characters of [A-Za-z0-9._-]");
		}
		if (DERIVED_TOPIC.matcher(topic).matches()) {
			throw new IllegalArgumentException("Invalid topic name '" + topic
					+ "': names ending in '.dlt' or '.dlq' or holding '.mqlab-' are the library's own");
		}
		return topic;
	}

	/**
	 * Returns the group name.
	 * @throws IllegalArgumentException when it is not a valid group name
	 */
	public static String group(String group) {
		if (group == null || !GROUP.matcher(group).matches()) {
			throw new IllegalArgumentException("Invalid group name '" + group + "': use 1 to " + MAX_LENGTH
					+ " characters of [A-Za-z0-9_-]; no '.', which separates topic and group in the names "
					+ "of queues and dead-letter topics (topic 'order.requests' + group 'x' and topic 'order' "
					+ "+ group 'requests.x' would share them)");
		}
		return group;
	}

}
