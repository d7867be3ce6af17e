package io.mqlab.iot.device;

import java.time.Instant;
import java.util.Map;

/**
 * A device's readings as the bridge took them from Mosquitto.
 *
 * @param deviceId the device
 * @param seq the device's sequence number: the same one twice is a duplicate
 * @param at when the device measured (when the bridge received it, if the device did not
 * say)
 * @param readings reading name to value
 * @param receivedAt when the bridge received it
 */
public record TelemetryReceived(String deviceId, long seq, Instant at, Map<String, Double> readings,
		Instant receivedAt) {

}
