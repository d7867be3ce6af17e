package io.mqlab.logs.ship;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.logs.LogSettings;
import io.mqlab.messaging.Messaging;
import tools.jackson.databind.json.JsonMapper;

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

}
