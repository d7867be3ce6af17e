package io.mqlab.iot.device;

import java.time.Instant;

/**
 * A device message the bridge could not forward, with the reason; it is acknowledged to
 * Mosquitto so the devices' other messages keep flowing.
 *
 * @param deviceId the device named by the MQTT topic (as it was, when it is not a valid
 * id)
 * @param mqttTopic the MQTT topic
 * @param reason what was wrong
 * @param bytes the payload's size
 * @param excerpt the payload's start, at most 256 characters
 * @param at when the bridge received it
 */
public record DeviceMessageRejected(String deviceId, String mqttTopic, String reason, int bytes, String excerpt,
		Instant at) {

}
