package io.mqlab.messaging;

import java.time.Instant;

/**
 * A message a group gave up on, with why.
 *
 * @param envelope the original envelope, unchanged
 * @param group the group that failed to handle it
 * @param errorClass the class of the last exception
 * @param errorMessage its message
 * @param attempts how many times the handler ran (0 for a payload that could not be read)
 * @param failedAt when it was dead-lettered
 */
public record DeadLetter(Envelope envelope, String group, String errorClass, String errorMessage, int attempts,
		Instant failedAt) {

}
