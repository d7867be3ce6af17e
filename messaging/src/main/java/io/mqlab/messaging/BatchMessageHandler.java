package io.mqlab.messaging;

import java.util.List;

/**
 * Handles several messages at once: those that were already available, of one or more
 * partitions (or heads of distinct keys), each partition's in order. Returning normally
 * acknowledges them all; throwing hands them to the handler again one at a time, each
 * with its own retries and dead letter, so one bad message never holds back nor
 * dead-letters the others.
 *
 * @param <T> the payload type
 */
@FunctionalInterface
public interface BatchMessageHandler<T> {

	/**
	 * @param payloads the payloads, in delivery order (per-key order holds)
	 * @param contexts the context of each payload, at the same index
	 */
	void handle(List<T> payloads, List<MessageContext> contexts) throws Exception;

}
