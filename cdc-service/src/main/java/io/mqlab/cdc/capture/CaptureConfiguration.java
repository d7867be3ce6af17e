package io.mqlab.cdc.capture;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.cdc.CdcSettings;
import io.mqlab.cdc.SourceDatabase;
import io.mqlab.messaging.Messaging;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The capture role, on unless {@code mqlab.cdc.capture.enabled=false}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "mqlab.cdc.capture.enabled", matchIfMissing = true)
class CaptureConfiguration {

	@Bean
	CaptureState captureState() {
		return new CaptureState();
	}

	@Bean
	DebeziumCapture debeziumCapture(CdcSettings settings, SourceDatabase source, Messaging messaging,
			CaptureState state, MeterRegistry meters) {
		return new DebeziumCapture(settings, source, messaging, state, meters);
	}

}
