package io.mqlab.messaging;

/**
 * A running consumer of one topic in one group. Stopping it lets in-flight messages
 * finish and be acknowledged.
 */
public interface Subscription extends AutoCloseable {

	String topic();

	String group();

	boolean isRunning();

	void stop();

	@Override
	default void close() {
		stop();
	}

}
