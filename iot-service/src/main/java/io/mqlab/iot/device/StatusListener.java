package io.mqlab.iot.device;

import io.mqlab.messaging.listener.MessageListener;

import org.springframework.stereotype.Component;

/** Online and offline, from the devices' status messages and last wills. */
@Component
class StatusListener {

	private final DeviceStore devices;

	StatusListener(DeviceStore devices) {
		this.devices = devices;
	}

	@MessageListener(topic = "${mqlab.iot.topics.status:iot.status}", group = "${mqlab.iot.group:iot}")
	void on(StatusChanged status) {
		this.devices.applyStatus(status);
	}

}
