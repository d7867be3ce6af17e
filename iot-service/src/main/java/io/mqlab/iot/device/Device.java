package io.mqlab.iot.device;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/**
 * A device as the platform knows it.
 *
 * @param id the device id
 * @param online whether it is connected (from its status and last will)
 * @param firstSeen when it was registered or first heard of
 * @param lastSeen when it last sent telemetry or state
 * @param readings its latest readings (highest sequence number)
 * @param readingsAt when those were measured
 * @param alert the reading over its limit in the latest telemetry, if any
 * @param state its latest reported state
 * @param received distinct telemetry messages taken
 * @param duplicates telemetry messages dropped as already taken
 * @param missing sequence numbers not (yet) received between the first and the highest
 * @param outOfOrder telemetry messages that came after a higher sequence number
 * @param rejected messages of this device the bridge rejected
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Device(String id, boolean online, Instant firstSeen, Instant lastSeen, JsonNode readings,
		Instant readingsAt, JsonNode alert, JsonNode state, long received, long duplicates, long missing,
		long outOfOrder, long rejected) {

}
