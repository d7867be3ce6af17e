package io.mqlab.messaging;

/**
 * A message could not be stored by the broker; nothing was acknowledged for it.
 */
public class PublishFailedException extends RuntimeException {

	public PublishFailedException(String message, Throwable cause) {
		super(message, cause);
	}

}
