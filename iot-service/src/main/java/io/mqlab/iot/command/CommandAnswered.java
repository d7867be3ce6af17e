package io.mqlab.iot.command;

import java.time.Instant;

/**
 * A device's answer to a command, from its response topic.
 *
 * @param deviceId the device
 * @param commandId the command
 * @param succeeded whether the device says it succeeded
 * @param detail what the device said about it, at most 512 characters
 * @param at when the bridge received it
 */
public record CommandAnswered(String deviceId, String commandId, boolean succeeded, String detail, Instant at) {

}
