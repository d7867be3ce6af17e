package io.mqlab.messaging;

/**
 * What a backend may or may not do natively. Asking a backend for something it lacks
 * fails with {@link UnsupportedCapabilityException}, never silently.
 */
public enum Capability {

	/** Messages with the same key are handled in publish order within a group. */
	PER_KEY_ORDER,

	/** Every group receives every message of a topic. */
	FAN_OUT,

	/** A group can be rewound to re-read messages it already handled. */
	REPLAY,

	/**
	 * Messages stay on the broker after every group handled them (a new group can read
	 * history).
	 */
	RETENTION,

	/** A message can be published to become visible at a later time. */
	DELAYED_DELIVERY,

	/** A message can jump ahead of others in the same queue. */
	PRIORITY,

	/** The broker reports how far a group is behind (lag or queue depth). */
	BACKLOG,

	/**
	 * A batch listener gets the messages already in hand together (without it, batches of
	 * one).
	 */
	BATCHES

}
