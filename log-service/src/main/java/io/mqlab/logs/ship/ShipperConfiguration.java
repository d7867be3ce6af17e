package io.mqlab.logs.ship;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.logs.LogSettings;
import io.mqlab.messaging.Messaging;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The shipper role ({@code mqlab.logs.shipper.enabled}). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mqlab.logs.shipper.enabled", matchIfMissing = true)
class ShipperConfiguration {

	@Bean
	LogShipper logShipper(LogSettings settings, Messaging messaging, JsonMapper jsonMapper, MeterRegistry registry) {
		return new LogShipper(settings, messaging, jsonMapper, registry);
	}

	/**
	 * Declares the indexers' group before the first poll publishes: RabbitMQ and
	 * PostgreSQL keep a message only for groups that exist, so the lines a shipper
	 * running alone confirmed before any indexer first started would be gone, their
	 * checkpoints past them.
	 */
	@Bean
	SmartInitializingSingleton indexerGroupDeclaration(LogSettings settings, Messaging messaging) {
		return () -> messaging.provision(settings.topic(), settings.indexer().group());
	}

}
