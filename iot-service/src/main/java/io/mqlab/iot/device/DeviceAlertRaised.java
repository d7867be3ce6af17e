package io.mqlab.iot.device;

import java.time.Instant;

/**
 * A reading went over its limit ({@code mqlab.iot.thresholds}); raised once until the
 * device's readings are back under every limit.
 *
 * @param deviceId the device
 * @param reading the reading's name
 * @param value its value
 * @param limit the limit it went over
 * @param at when the device measured it
 */
public record DeviceAlertRaised(String deviceId, String reading, double value, double limit, Instant at) {

}
