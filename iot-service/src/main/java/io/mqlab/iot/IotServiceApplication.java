package io.mqlab.iot;

import java.time.Clock;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/**
 * Devices over MQTT: a bridge takes their telemetry, state, status and command results
 * from Mosquitto to the messaging backend, acknowledging each to Mosquitto only once the
 * backend holds it; consumers keep the last values and a short history per device in
 * Redis; commands go out through the backend and the bridge to the devices.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class IotServiceApplication {

	public static void main(String[] args) {
		builder().run(args);
	}

	/** Its own config file name, so several services can share one classpath in tests. */
	public static SpringApplicationBuilder builder() {
		return new SpringApplicationBuilder(IotServiceApplication.class).properties("spring.config.name=iot-service");
	}

	@Bean
	@ConditionalOnMissingBean
	Clock clock() {
		return Clock.systemUTC();
	}

}
