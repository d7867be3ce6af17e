package io.mqlab.messaging.rabbit;

import java.util.LinkedHashMap;
import java.util.Map;

import com.rabbitmq.client.Channel;

/**
 * Delays a message on a broker without the delayed-message plugin, with TTL and
 * dead-lettering only: a binary decomposition of the delay in milliseconds over
 * {@value #LEVELS} tiers. Tier {@code k} is a headers exchange and a durable queue whose
 * queue-level TTL is 2<sup>k</sup> ms and whose dead-letter exchange is tier {@code k-1}
 * (tier 0's is the {@linkplain #DUE due exchange}). The message carries one header per
 * bit of its delay; tier {@code k} routes it into its queue when bit {@code k} is 1 and
 * on to tier {@code k-1} when it is 0. So a message spends exactly its delay in queues
 * (plus the broker's hops: never early, a little late), and all messages in one queue
 * have the same TTL, so the head always expires first and a short delay never waits
 * behind a longer one.
 * <p>
 * Every branch is an explicit match, never an alternate exchange: a missing tier queue
 * makes a message unroutable (returned at publish, dropped at dead-lettering) instead of
 * skipping that tier and arriving early. Dead-lettering keeps the properties (persistent
 * delivery mode, priority) and the routing key, which is the message's partition.
 */
final class RabbitDelayTiers {

	/** 2<sup>32</sup>-1 ms is about 49.7 days, above {@code Delay.MAX}. */
	static final int LEVELS = 32;

	static final long MAX_MILLIS = (1L << LEVELS) - 1;

	/** Where due messages leave the tiers: a headers exchange bound to each topic's. */
	static final String DUE = "mqlab.delay.due";

	static final String PREFIX = "mqlab.delay.";

	private static final String BIT_HEADER = "mqlab-delay-bit-";

	private RabbitDelayTiers() {
	}

	/** The exchange and queue of tier {@code level}: {@code mqlab.delay.<2^level>ms}. */
	static String tier(int level) {
		return PREFIX + (1L << level) + "ms";
	}

	/** Whether an AMQP header is one of the tiers' routing headers. */
	static boolean isRoutingHeader(String name) {
		return name.startsWith(BIT_HEADER);
	}

	/**
	 * Declares the due exchange and every tier (idempotent: same arguments each time).
	 */
	static void declare(Channel channel) throws java.io.IOException {
		channel.exchangeDeclare(DUE, "headers", true);
		for (int level = 0; level < LEVELS; level++) {
			String tier = tier(level);
			String next = (level == 0) ? DUE : tier(level - 1);
			channel.exchangeDeclare(tier, "headers", true);
			channel.queueDeclare(tier, true, false, false,
					Map.of("x-message-ttl", 1L << level, "x-dead-letter-exchange", next));
			channel.queueBind(tier, tier, "", match(level, "1"));
			channel.exchangeBind(next, tier, "", match(level, "0"));
		}
	}

	/** The tier a message with this delay enters: the one of its highest bit. */
	static String entry(long millis) {
		check(millis);
		return tier(63 - Long.numberOfLeadingZeros(millis));
	}

	/** The bit headers of a delay, from its highest bit down to bit 0. */
	static Map<String, Object> headers(long millis) {
		check(millis);
		Map<String, Object> headers = new LinkedHashMap<>();
		for (int level = 63 - Long.numberOfLeadingZeros(millis); level >= 0; level--) {
			headers.put(BIT_HEADER + level, (((millis >>> level) & 1) == 1) ? "1" : "0");
		}
		return headers;
	}

	private static Map<String, Object> match(int level, String bit) {
		return Map.of("x-match", "all", BIT_HEADER + level, bit);
	}

	private static void check(long millis) {
		if (millis < 1 || millis > MAX_MILLIS) {
			throw new IllegalArgumentException(
					"A RabbitMQ delay tier holds 1 to " + MAX_MILLIS + " ms, not " + millis + " ms");
		}
	}

}
