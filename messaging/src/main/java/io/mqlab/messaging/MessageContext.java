package io.mqlab.messaging;

/**
 * What a handler knows about the delivery it is handling.
 *
 * @param envelope the envelope as received
 * @param group the consumer group
 * @param redelivered whether the broker says it delivered this message before
 * @param attempt this process's attempt at it, from 1
 */
public record MessageContext(Envelope envelope, String group, boolean redelivered, int attempt) {

}
