package io.mqlab.messaging.rabbit;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.rabbitmq.client.Channel;

/**
 * Delays a message on a broker without the delayed-message plugin, with TTL and
 * dead-lettering only: the delay, rounded up to {@value #UNIT_MILLIS} ms units, is
 * written in base {@value #BASE}, and the message spends each digit in a tier queue.
 * Level {@code k} (unit {@code u = 50 ms * 4^k}) is a headers exchange
 * {@code mqlab.delay.v2.<u>ms} with three quorum queues {@code mqlab.delay.v2.<d*u>ms}
 * ({@code d} = 1, 2, 3) whose queue-level TTL is {@code d*u} and whose dead-letter
 * exchange is level {@code k-1} (level 0's is the {@linkplain #DUE due exchange}). The
 * message carries one header per digit: level {@code k} routes it into the queue of digit
 * {@code k}, or on to level {@code k-1} when that digit is 0. A message enters at the
 * level of its highest digit, so it spends its delay in at most {@value #LEVELS} queues
 * (about three for a delay of seconds) and is late by the rounding and the hops, never
 * early. {@value #LEVELS} levels hold up to 38 days.
 * <p>
 * All messages in one queue have the same TTL, so its head always expires first: a short
 * delay never waits behind a longer one. Every branch is an explicit match, never an
 * alternate exchange: a missing tier queue makes a message unroutable (returned at
 * publish, dropped by dead-lettering) instead of skipping the tier and arriving early.
 * Dead-lettering keeps the properties (persistent delivery mode, priority) and the
 * routing key, which is the message's partition.
 * <p>
 * The tier queues are quorum queues with at-least-once dead-lettering
 * ({@code x-dead-letter-strategy=at-least-once}, which needs
 * {@code x-overflow=reject-publish} and RabbitMQ 3.10 or later with the
 * {@code stream_queue} feature flag): the broker keeps an expired message in its queue
 * until the next queues confirm it, so a broker crash in the middle of a hop delivers it
 * late (or twice), never loses it. A message that reaches no queue once due (no group has
 * a queue for its topic) stays in its level-0 queue and the broker tries it again every
 * few minutes, so it arrives once a group exists.
 * <p>
 * Quorum queues are named {@value #PREFIX}{@code v2.<ttl>ms}; the classic queues of
 * earlier versions ({@value #PREFIX}{@code <ttl>ms}, a queue's type cannot change) are
 * retired at declaration: unbound, their exchanges forwarded into the new levels so what
 * they still hold goes on, and deleted once empty.
 * <p>
 * Cost: every hop is one more persistent enqueue on the broker (a replicated log append
 * for a quorum queue). One-millisecond binary tiers (six or seven hops for delays of
 * seconds) saturated RabbitMQ here at 1,000 messages due per second; base 4 in 50 ms
 * units takes about half as many hops. A larger base takes fewer still, for more queues.
 */
final class RabbitDelayTiers {

	static final int BASE = 4;

	static final long UNIT_MILLIS = 50;

	static final int LEVELS = 13;

	/** 50 ms * (4^13 - 1): about 38.8 days, above {@code Delay.MAX}. */
	static final long MAX_MILLIS = UNIT_MILLIS * (pow(LEVELS) - 1);

	/** Where due messages leave the tiers: a headers exchange bound to each topic's. */
	static final String DUE = "mqlab.delay.due";

	static final String PREFIX = "mqlab.delay.";

	/** The quorum tiers' names: {@code mqlab.delay.v2.<ttl>ms}. */
	static final String TIERS = PREFIX + "v2.";

	/** The classic tiers of earlier versions, retired by {@link #declare}. */
	static final String CLASSIC_TIERS = PREFIX;

	private static final String DIGIT_HEADER = "mqlab-delay-digit-";

	private RabbitDelayTiers() {
	}

	/** The exchange of level {@code level}, named after its unit. */
	static String exchange(int level) {
		return name(TIERS, pow(level));
	}

	/** The queue holding digit {@code digit} (1 to 3) of level {@code level}. */
	static String queue(int level, int digit) {
		return name(TIERS, digit * pow(level));
	}

	/** The arguments of a tier queue: quorum, its TTL, at-least-once dead-lettering. */
	static Map<String, Object> queueArguments(int level, int digit) {
		String next = (level == 0) ? DUE : exchange(level - 1);
		return Map.of("x-queue-type", "quorum", "x-message-ttl", digit * pow(level) * UNIT_MILLIS,
				"x-dead-letter-exchange", next, "x-dead-letter-strategy", "at-least-once", "x-overflow",
				"reject-publish");
	}

	/** Whether an AMQP header is one of the tiers' routing headers. */
	static boolean isRoutingHeader(String name) {
		return name.startsWith(DIGIT_HEADER);
	}

	/**
	 * Declares the due exchange and every level (idempotent: same arguments each time).
	 */
	static void declare(Channel channel) throws IOException {
		channel.exchangeDeclare(DUE, "headers", true);
		for (int level = 0; level < LEVELS; level++) {
			String exchange = exchange(level);
			String next = (level == 0) ? DUE : exchange(level - 1);
			channel.exchangeDeclare(exchange, "headers", true);
			for (int digit = 1; digit < BASE; digit++) {
				String queue = queue(level, digit);
				channel.queueDeclare(queue, true, false, false, queueArguments(level, digit));
				channel.queueBind(queue, exchange, "", match(level, digit));
			}
			channel.exchangeBind(next, exchange, "", match(level, 0));
		}
	}

	/**
	 * Retires the classic tiers of an earlier version, if the broker has them: their
	 * queues take nothing new, what they hold expires into their old exchanges, which now
	 * forward everything into the quorum level of the same unit, and each queue goes once
	 * empty. Every step is idempotent, so every start-up takes it further.
	 * @param channels a new channel per step: a step on something missing closes it
	 * @return how many classic tier queues are left (not yet empty)
	 */
	static int retireClassicTiers(Channels channels) throws IOException {
		int left = 0;
		for (int level = 0; level < LEVELS; level++) {
			int lvl = level;
			String newExchange = exchange(level);
			String oldExchange = name(CLASSIC_TIERS, pow(level));
			boolean exchangeExists = channels.attempt((channel) -> channel.exchangeDeclarePassive(oldExchange));
			if (exchangeExists) {
				channels
					.attempt((channel) -> channel.exchangeBind(newExchange, oldExchange, "", Map.of("x-match", "all")));
				String oldNext = (level == 0) ? DUE : name(CLASSIC_TIERS, pow(level - 1));
				channels.attempt((channel) -> channel.exchangeUnbind(oldNext, oldExchange, "", match(lvl, 0)));
			}
			for (int digit = 1; digit < BASE; digit++) {
				String oldQueue = name(CLASSIC_TIERS, digit * pow(level));
				int dgt = digit;
				if (exchangeExists) {
					channels.attempt((channel) -> channel.queueUnbind(oldQueue, oldExchange, "", match(lvl, dgt)));
				}
				// fails (and closes its channel) while the queue is missing or still
				// holds messages
				boolean deleted = channels.attempt((channel) -> {
					channel.queueDeclarePassive(oldQueue);
					channel.queueDelete(oldQueue, false, true);
				});
				if (!deleted && channels.attempt((channel) -> channel.queueDeclarePassive(oldQueue))) {
					left++;
				}
			}
		}
		return left;
	}

	/** Runs broker operations, each on a channel of its own. */
	interface Channels {

		/** Whether the operation succeeded; a broker refusal is {@code false}. */
		boolean attempt(Operation operation) throws IOException;

	}

	/** An operation on a channel. */
	interface Operation {

		void run(Channel channel) throws IOException;

	}

	/** The exchange a message with this delay enters: the level of its highest digit. */
	static String entry(long millis) {
		return exchange(digits(units(millis)) - 1);
	}

	/** The digit headers of a delay, from its highest level down to level 0. */
	static Map<String, Object> headers(long millis) {
		long units = units(millis);
		Map<String, Object> headers = new LinkedHashMap<>();
		for (int level = digits(units) - 1; level >= 0; level--) {
			headers.put(DIGIT_HEADER + level, Long.toString((units / pow(level)) % BASE));
		}
		return headers;
	}

	/** Whole units, rounded up so that a message is never early. */
	private static long units(long millis) {
		if (millis < 1 || millis > MAX_MILLIS) {
			throw new IllegalArgumentException(
					"RabbitMQ's delay tiers hold 1 to " + MAX_MILLIS + " ms, not " + millis + " ms");
		}
		return (millis + UNIT_MILLIS - 1) / UNIT_MILLIS;
	}

	private static int digits(long units) {
		int digits = 0;
		for (long rest = units; rest > 0; rest /= BASE) {
			digits++;
		}
		return digits;
	}

	private static long pow(int level) {
		long value = 1;
		for (int i = 0; i < level; i++) {
			value *= BASE;
		}
		return value;
	}

	private static String name(String prefix, long units) {
		return prefix + (units * UNIT_MILLIS) + "ms";
	}

	private static Map<String, Object> match(int level, int digit) {
		return Map.of("x-match", "all", DIGIT_HEADER + level, Integer.toString(digit));
	}

}
