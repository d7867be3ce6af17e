package io.mqlab.iot.device;

import java.time.Instant;

/**
 * A device came online (it said so after connecting) or went offline (it said so, or
 * Mosquitto published its last will).
 *
 * @param deviceId the device
 * @param online whether it is online now
 * @param at when the bridge received it: an older status never replaces a newer one
 */
public record StatusChanged(String deviceId, boolean online, Instant at) {

}
