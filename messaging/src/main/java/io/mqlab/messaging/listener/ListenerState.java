package io.mqlab.messaging.listener;

import io.mqlab.messaging.BacklogSample;

/**
 * A listener as health and metrics show it.
 *
 * @param id the bean class and method
 * @param topic the topic it consumes
 * @param group its group
 * @param concurrency messages it handles at once here
 * @param running whether its subscription runs now
 * @param backlog what the broker last said the group has not handled, or {@code null}
 */
public record ListenerState(String id, String topic, String group, int concurrency, boolean running,
		BacklogSample backlog) {

}
