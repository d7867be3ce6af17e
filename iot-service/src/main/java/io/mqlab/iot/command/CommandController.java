package io.mqlab.iot.command;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mqlab.iot.device.DeviceStore;
import io.mqlab.iot.IotSettings;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.PublishFailedException;
import io.mqlab.support.Problems;
import io.mqlab.support.Problems.FieldError;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Takes commands for known devices (202 with the command id once the backend holds it)
 * and shows where each is.
 */
@RestController
class CommandController {

	private static final Log logger = LogFactory.getLog(CommandController.class);

	static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

	static final int MAX_ARGS_BYTES = 4096;

	private final CommandStore commands;

	private final DeviceStore devices;

	private final Messaging messaging;

	private final IotSettings settings;

	private final JsonMapper json;

	private final Clock clock;

	CommandController(CommandStore commands, DeviceStore devices, Messaging messaging, IotSettings settings,
			JsonMapper json, Clock clock) {
		this.commands = commands;
		this.devices = devices;
		this.messaging = messaging;
		this.settings = settings;
		this.json = json;
		this.clock = clock;
	}

	@PostMapping("/devices/{id}/commands")
	ResponseEntity<Object> send(@PathVariable @Pattern(regexp = "[A-Za-z0-9_.:-]{1,64}") String id,
			@Valid @RequestBody CommandRequest request) {
		List<FieldError> errors = new ArrayList<>();
		JsonNode args = (request.args() == null || request.args().isNull()) ? this.json.createObjectNode()
				: request.args();
		if (!args.isObject()) {
			errors.add(new FieldError("args", "must be a JSON object"));
		}
		else if (this.json.writeValueAsBytes(args).length > MAX_ARGS_BYTES) {
			errors.add(new FieldError("args", "must be at most " + MAX_ARGS_BYTES + " bytes of JSON"));
		}
		Duration ttl = (request.ttl() != null) ? request.ttl() : DEFAULT_TTL;
		if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(this.settings.maxCommandTtl()) > 0) {
			errors.add(new FieldError("ttl", "must be from PT1S to " + this.settings.maxCommandTtl()));
		}
		if (!errors.isEmpty()) {
			return problem(Problems.validation(errors));
		}
		if (!this.devices.exists(id)) {
			return problem(Problems.of(HttpStatus.NOT_FOUND, "device-not-found", "Device not found",
					"No device " + id + ": a device is known from its first message or POST /devices",
					Map.of("deviceId", id)));
		}
		Instant expiresAt = this.clock.instant().plus(ttl);
		CommandRequested command = new CommandRequested(UUID.randomUUID().toString(), id, request.name(), args,
				expiresAt);
		this.commands.create(command);
		try {
			this.messaging.publish(this.settings.topics().commands(), id, command);
		}
		catch (RuntimeException ex) {
			this.commands.delete(command.commandId());
			throw ex;
		}
		return ResponseEntity.accepted()
			.location(URI.create("/devices/" + id + "/commands/" + command.commandId()))
			.body(Map.of("id", command.commandId(), "status", CommandStatus.PENDING, "expiresAt", expiresAt));
	}

	@GetMapping("/devices/{id}/commands/{commandId}")
	ResponseEntity<Object> command(@PathVariable @Pattern(regexp = "[A-Za-z0-9_.:-]{1,64}") String id,
			@PathVariable @Pattern(regexp = "[0-9a-f-]{36}") String commandId) {
		return this.commands.find(commandId)
			.filter((command) -> command.deviceId().equals(id))
			.<ResponseEntity<Object>>map(ResponseEntity::ok)
			.orElseGet(() -> problem(Problems.of(HttpStatus.NOT_FOUND, "command-not-found", "Command not found",
					"No command " + commandId + " for device " + id, Map.of())));
	}

	/**
	 * The cause goes to the log only: broker addresses and errors are not the client's.
	 */
	@ExceptionHandler(PublishFailedException.class)
	ResponseEntity<Object> brokerUnavailable(PublishFailedException ex) {
		logger.warn("Command not published", ex);
		return problem(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "broker-unavailable", "Broker unavailable",
				"The command could not be sent; try again", Map.of()));
	}

	private static ResponseEntity<Object> problem(ProblemDetail problem) {
		return ResponseEntity.status(problem.getStatus()).body(problem);
	}

}
