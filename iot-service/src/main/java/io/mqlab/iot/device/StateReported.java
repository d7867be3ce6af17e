package io.mqlab.iot.device;

import java.time.Instant;

import tools.jackson.databind.JsonNode;

/**
 * A device's state as it published it (retained), e.g. {@code {"seq": 42, "firmware":
 * "1.2.0"}}.
 *
 * @param deviceId the device
 * @param seq the device's sequence number: an older one never replaces a newer state
 * @param state the whole JSON object the device sent
 * @param receivedAt when the bridge received it
 */
public record StateReported(String deviceId, long seq, JsonNode state, Instant receivedAt) {

}
