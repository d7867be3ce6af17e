package io.mqlab.bench.mqlab;

import java.util.LinkedHashMap;
import java.util.Map;

import io.mqlab.bench.Brokers;
import io.mqlab.bench.Tuning;
import io.mqlab.messaging.Backend;

/**
 * The properties of a backend's context: the ones the contract tests start their contexts
 * with (same DataSource, backend and connection settings), plus the bench's knobs.
 */
public final class ContextProperties {

	private ContextProperties() {
	}

	/** Connection and library settings, without the knobs. */
	public static Map<String, Object> base(Backend backend, Brokers brokers) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.main.banner-mode", "off");
		properties.put("spring.main.log-startup-info", false);
		// Progress lines are the output; the clients' INFO chatter would drown them.
		properties.put("logging.level.root", "WARN");
		// Each consumer is a subscription of its own in this one context, so the library
		// registers the group's backlog gauge once per member; the repeats are harmless.
		properties.put("logging.level.io.micrometer.core.instrument.MeterRegistry", "ERROR");
		properties.put("spring.datasource.url", brokers.postgresUrl());
		properties.put("spring.datasource.username", brokers.postgresUser());
		properties.put("spring.flyway.enabled", false);
		properties.put("mqlab.messaging.backend", backend.id());
		properties.put("mqlab.messaging.outbox.relay-enabled", false);
		switch (backend) {
			case KAFKA -> properties.put("spring.kafka.bootstrap-servers", brokers.kafkaBootstrap());
			case RABBITMQ -> {
				properties.put("spring.rabbitmq.host", brokers.rabbitHost());
				properties.put("spring.rabbitmq.port", brokers.rabbitPort());
				properties.put("spring.rabbitmq.username", brokers.rabbitUser());
				properties.put("spring.rabbitmq.password", brokers.rabbitPassword());
			}
			case REDIS -> {
				properties.put("spring.data.redis.host", brokers.redisHost());
				properties.put("spring.data.redis.port", brokers.redisPort());
			}
			case POSTGRES -> {
				// The queue shares the DataSource, as in the contract tests.
			}
		}
		return properties;
	}

	/** Everything the context is started with. */
	static Map<String, Object> of(Backend backend, Brokers brokers, Tuning tuning) {
		Map<String, Object> properties = base(backend, brokers);
		properties.putAll(tuning.springProperties(backend));
		return properties;
	}

}
