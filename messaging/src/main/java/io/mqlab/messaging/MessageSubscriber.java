package io.mqlab.messaging;

/**
 * The consuming port each backend implements. The adapter receives messages for the
 * group, hands each one to the {@link Dispatcher} and acknowledges it only after
 * {@link Dispatcher#dispatch} returns normally; if it throws, the message is not
 * acknowledged and the broker redelivers it.
 */
public interface MessageSubscriber {

	/**
	 * Starts consuming. Creates the group if needed, so messages published from now on
	 * are kept for it even while it has no running consumer.
	 */
	Subscription subscribe(SubscriptionSpec spec, Dispatcher dispatcher);

	/**
	 * Creates the topic and the group without consuming, so that messages published from
	 * now on are kept for the group.
	 */
	void provision(String topic, String group);

	/**
	 * Moves a stopped group back so it handles again every message published since
	 * {@code from}. Only for backends that declare {@link Capability#REPLAY}.
	 */
	default void rewind(String topic, String group, java.time.Instant from) {
		throw new UnsupportedOperationException("rewind is not implemented by " + getClass().getSimpleName());
	}

}
