package io.mqlab.messaging;

/**
 * Handles one message. Returning normally acknowledges it; throwing retries it with
 * backoff and, once the attempts run out, dead-letters it.
 *
 * @param <T> the payload type
 */
@FunctionalInterface
public interface MessageHandler<T> {

	void handle(T payload, MessageContext context) throws Exception;

}
