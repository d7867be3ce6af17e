package io.mqlab.iot.device;

import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.iot.IotSettings;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.listener.MessageListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Telemetry, applied at most once per (device, sequence number): latest readings, a short
 * history, gap and duplicate counts, and the threshold checks. An alert is published
 * once, when a device goes over a limit it was not over before.
 */
@Component
class TelemetryListener {

	private static final Log logger = LogFactory.getLog(TelemetryListener.class);

	private final DeviceStore devices;

	private final IotSettings settings;

	private final Messaging messaging;

	private final MeterRegistry meters;

	TelemetryListener(DeviceStore devices, IotSettings settings, Messaging messaging, MeterRegistry meters) {
		this.devices = devices;
		this.settings = settings;
		this.messaging = messaging;
		this.meters = meters;
	}

	@MessageListener(topic = "${mqlab.iot.topics.telemetry:iot.telemetry}", group = "${mqlab.iot.group:iot}",
			concurrency = "${mqlab.iot.concurrency:4}")
	void on(TelemetryReceived telemetry) {
		DeviceAlertRaised alert = alert(telemetry);
		long result = this.devices.applyTelemetry(telemetry, alert);
		String outcome = switch ((int) result) {
			case -1 -> "too-many-devices";
			case 0 -> "duplicate";
			default -> "applied";
		};
		this.meters.counter("mqlab.iot.telemetry", "outcome", outcome).increment();
		if (result == -1) {
			logger.warn("Telemetry of device " + telemetry.deviceId() + " dropped: already "
					+ this.settings.maxDevices() + " devices (mqlab.iot.max-devices)");
		}
		if (result == 2) {
			logger.warn("Device " + alert.deviceId() + " alert: " + alert.reading() + " " + alert.value() + " over "
					+ alert.limit());
			this.meters.counter("mqlab.iot.alerts", "reading", alert.reading()).increment();
			this.messaging.publish(this.settings.topics().alerts(), alert.deviceId(), alert);
		}
	}

	private DeviceAlertRaised alert(TelemetryReceived telemetry) {
		for (Map.Entry<String, Double> limit : this.settings.thresholds().entrySet()) {
			Double value = telemetry.readings().get(limit.getKey());
			if (value != null && value > limit.getValue()) {
				return new DeviceAlertRaised(telemetry.deviceId(), limit.getKey(), value, limit.getValue(),
						telemetry.at());
			}
		}
		return null;
	}

}
