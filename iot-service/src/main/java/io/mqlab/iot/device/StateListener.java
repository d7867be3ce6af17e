package io.mqlab.iot.device;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.listener.MessageListener;

import org.springframework.stereotype.Component;

/** The last value of each device's state: a newer sequence number replaces it. */
@Component
class StateListener {

	private final DeviceStore devices;

	private final MeterRegistry meters;

	StateListener(DeviceStore devices, MeterRegistry meters) {
		this.devices = devices;
		this.meters = meters;
	}

	@MessageListener(topic = "${mqlab.iot.topics.state:iot.state}", group = "${mqlab.iot.group:iot}",
			concurrency = "${mqlab.iot.concurrency:4}")
	void on(StateReported state) {
		long result = this.devices.applyState(state);
		this.meters
			.counter("mqlab.iot.state", "outcome",
					(result == 1) ? "kept" : (result == 0) ? "older" : "too-many-devices")
			.increment();
	}

}
