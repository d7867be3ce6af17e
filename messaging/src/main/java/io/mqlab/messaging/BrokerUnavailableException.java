package io.mqlab.messaging;

/**
 * The chosen backend's broker cannot be reached. The message says what to start or set.
 */
public class BrokerUnavailableException extends RuntimeException {

	public BrokerUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
