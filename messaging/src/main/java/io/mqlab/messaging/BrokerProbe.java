package io.mqlab.messaging;

/**
 * Checks that the chosen broker answers. Used to fail start-up with a helpful message and
 * by the {@code messaging} health indicator.
 */
public interface BrokerProbe {

	/** Where the broker is expected, e.g. {@code 127.0.0.1:9092}. */
	String location();

	/** What to start or set when it cannot be reached. */
	String hint();

	/** Throws when the broker does not answer. */
	void check() throws Exception;

}
