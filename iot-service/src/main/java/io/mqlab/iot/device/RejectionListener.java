package io.mqlab.iot.device;

import io.mqlab.messaging.listener.MessageListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Device messages the bridge rejected: kept (the last 100, {@code GET /rejections}) and
 * counted on their device, so a misbehaving device is seen.
 */
@Component
class RejectionListener {

	private static final Log logger = LogFactory.getLog(RejectionListener.class);

	private final DeviceStore devices;

	RejectionListener(DeviceStore devices) {
		this.devices = devices;
	}

	@MessageListener(topic = "${mqlab.iot.topics.rejected:iot.rejected}", group = "${mqlab.iot.group:iot}")
	void on(DeviceMessageRejected rejection) {
		logger.warn("Rejected a message of device " + rejection.deviceId() + " on " + rejection.mqttTopic() + ": "
				+ rejection.reason());
		this.devices.rejected(rejection);
	}

}
