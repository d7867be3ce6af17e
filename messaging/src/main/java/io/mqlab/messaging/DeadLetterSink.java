package io.mqlab.messaging;

/**
 * Where an adapter writes a dead letter: the topic's dead-letter destination for the
 * group. Must return only once the dead letter is stored durably; if it throws, the
 * original message is not acknowledged.
 */
@FunctionalInterface
public interface DeadLetterSink {

	void deadLetter(DeadLetter deadLetter) throws Exception;

}
