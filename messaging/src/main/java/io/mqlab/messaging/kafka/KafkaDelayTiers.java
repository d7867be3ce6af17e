package io.mqlab.messaging.kafka;

import java.util.ArrayList;
import java.util.List;

/**
 * The delay topics of a topic, one per tier, like Spring Kafka's retry topics with fixed
 * delays. Tier {@code k} holds every record for the same time, 250 ms × 4^k, counted from
 * when the broker appended it (the topics use log-append time), or until it is due when
 * that comes first. With one hold time per topic, a partition's records come due in
 * offset order, so pausing the partition on a head that is not due holds back nothing
 * that is due: a short delay never waits behind a longer one.
 * <p>
 * A message goes to the longest tier not longer than its remaining wait (the shortest
 * when it waits less than 250 ms); when released it is forwarded to its topic if due,
 * else to the tier fitting what remains. So the wait is split in at most 3 holds per
 * tier, and only the last hold (under 250 ms, until the due time) can keep a record
 * behind another: by less than 250 ms.
 */
final class KafkaDelayTiers {

	/** Hold times, shortest first: 250 ms to 12 days (30 days take a few hops). */
	static final long[] HOLD_MILLIS;

	private static final String SUFFIX = ".mqlab-delay-";

	static {
		HOLD_MILLIS = new long[12];
		long hold = 250;
		for (int i = 0; i < HOLD_MILLIS.length; i++) {
			HOLD_MILLIS[i] = hold;
			hold *= 4;
		}
	}

	private KafkaDelayTiers() {
	}

	/** The tier for a message that must still wait {@code remainingMillis}. */
	static int tier(long remainingMillis) {
		int tier = 0;
		while (tier + 1 < HOLD_MILLIS.length && HOLD_MILLIS[tier + 1] <= remainingMillis) {
			tier++;
		}
		return tier;
	}

	/** The delay topic for a message of {@code topic} that must still wait. */
	static String topicFor(String topic, long remainingMillis) {
		return topic(topic, tier(remainingMillis));
	}

	/** E.g. {@code orders.mqlab-delay-250ms}, {@code orders.mqlab-delay-4s}. */
	static String topic(String topic, int tier) {
		long hold = HOLD_MILLIS[tier];
		return topic + SUFFIX + ((hold % 1000 == 0) ? (hold / 1000) + "s" : hold + "ms");
	}

	static List<String> topics(String topic) {
		List<String> topics = new ArrayList<>(HOLD_MILLIS.length);
		for (int tier = 0; tier < HOLD_MILLIS.length; tier++) {
			topics.add(topic(topic, tier));
		}
		return topics;
	}

	/** The forwarder group of a topic: its members share the delay partitions. */
	static String group(String topic) {
		return "mqlab-delay-forwarder." + topic;
	}

}
