package io.mqlab.messaging;

/**
 * Names of the headers mqlab sets on every envelope.
 */
public final class MessageHeaders {

	/** The id shared by every message of one business flow. */
	public static final String CORRELATION_ID = "correlation-id";

	/** The id of the message whose handling published this one. */
	public static final String CAUSATION_ID = "causation-id";

	/** W3C trace context. */
	public static final String TRACEPARENT = "traceparent";

	/** Set on a replayed dead letter: only this group handles it again. */
	public static final String REPLAY_GROUP = "mqlab-replay-group";

	/** Set by an adapter when a message must be read with a specific priority. */
	public static final String PRIORITY = "mqlab-priority";

	/**
	 * When a delayed message becomes due, in epoch milliseconds. Adapters hold the
	 * message until then; it stays on the envelope so consumers can measure lateness.
	 */
	public static final String DELIVER_AT = "mqlab-deliver-at";

	private MessageHeaders() {
	}

}
