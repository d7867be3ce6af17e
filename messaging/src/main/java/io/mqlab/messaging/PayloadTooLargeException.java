package io.mqlab.messaging;

/**
 * A payload is over {@code mqlab.messaging.max-payload-bytes}.
 */
public class PayloadTooLargeException extends IllegalArgumentException {

	public PayloadTooLargeException(String topic, int bytes, int limit) {
		super("Payload for topic '" + topic + "' is " + bytes + " bytes, over the limit of " + limit
				+ " (mqlab.messaging.max-payload-bytes)");
	}

	/** Over a limit of the backend, which the message names. */
	public PayloadTooLargeException(String message) {
		super(message);
	}

}
