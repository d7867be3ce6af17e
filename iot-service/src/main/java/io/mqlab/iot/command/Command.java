package io.mqlab.iot.command;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/**
 * A command as {@code GET /devices/{id}/commands/{commandId}} shows it.
 *
 * @param id the command id
 * @param deviceId the device
 * @param name what the device should do
 * @param args its arguments
 * @param status where it is
 * @param createdAt when it was accepted
 * @param expiresAt when its time to live ends
 * @param deliveredAt when Mosquitto took it for the device
 * @param finishedAt when it reached its final status
 * @param detail what the device said (or why it failed)
 * @param ignoredAnswers answers that came after the final status and changed nothing
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Command(String id, String deviceId, String name, JsonNode args, CommandStatus status, Instant createdAt,
		Instant expiresAt, Instant deliveredAt, Instant finishedAt, String detail, long ignoredAnswers) {

}
