package io.mqlab.iot.command;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /devices/{id}/commands}: {@code {"name": "reboot", "args": {...}, "ttl":
 * "PT10M"}}.
 *
 * @param name what the device should do
 * @param args its arguments, a JSON object (optional)
 * @param ttl how long the device may still get it (default 10 minutes, at most
 * {@code mqlab.iot.max-command-ttl})
 */
public record CommandRequest(@NotNull @Pattern(regexp = "[A-Za-z0-9_.-]{1,64}") String name, JsonNode args,
		Duration ttl) {

}
