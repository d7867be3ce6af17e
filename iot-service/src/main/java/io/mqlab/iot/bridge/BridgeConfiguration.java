package io.mqlab.iot.bridge;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.iot.IotSettings;
import io.mqlab.messaging.Messaging;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The bridge, on every instance unless {@code mqlab.iot.mqtt.enabled=false} (an instance
 * that only serves the platform side).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mqlab.iot.mqtt.enabled", matchIfMissing = true)
class BridgeConfiguration {

	@Bean
	MqttBridge mqttBridge(IotSettings settings, Messaging messaging, JsonMapper json, Clock clock,
			MeterRegistry meters) {
		return new MqttBridge(settings, messaging, json, clock, meters);
	}

	/**
	 * Health component {@code mqtt}: DOWN while the bridge is not connected to Mosquitto.
	 */
	@Bean
	HealthIndicator mqttHealthIndicator(MqttBridge bridge, IotSettings settings) {
		return () -> (bridge.connected() ? Health.up() : Health.down())
			.withDetail("broker", settings.mqtt().host() + ":" + settings.mqtt().port())
			.withDetail("clientId", settings.mqtt().clientId())
			.withDetail("dropped", bridge.dropped())
			.build();
	}

}
