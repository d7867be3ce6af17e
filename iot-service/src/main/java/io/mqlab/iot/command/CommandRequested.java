package io.mqlab.iot.command;

import java.time.Instant;

import tools.jackson.databind.JsonNode;

/**
 * A command on its way to the bridge, which sends it to the device.
 *
 * @param commandId the command's id
 * @param deviceId the device
 * @param name what the device should do
 * @param args its arguments (a JSON object)
 * @param expiresAt after this the device must never get it
 */
public record CommandRequested(String commandId, String deviceId, String name, JsonNode args, Instant expiresAt) {

}
