package io.mqlab.messaging;

/**
 * Implemented by subscribers whose broker can tell how many messages a group has not
 * handled yet (Kafka lag, RabbitMQ queue depth, Redis group lag, rows in a table).
 */
public interface BacklogProbe {

	long backlog(String topic, String group);

}
