package io.mqlab.iot.device;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.mqlab.support.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The devices, their last values and their recent telemetry. */
@RestController
class DeviceController {

	static final String ID = "[A-Za-z0-9_.:-]{1,64}";

	private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

	private final DeviceStore devices;

	DeviceController(DeviceStore devices) {
		this.devices = devices;
	}

	/** {@code POST /devices}: {@code {"id": "sensor-1"}}. */
	record Registration(@NotNull @Pattern(regexp = ID) String id) {

	}

	@PostMapping("/devices")
	ResponseEntity<Object> register(@Valid @RequestBody Registration registration) {
		long result = this.devices.register(registration.id());
		if (result < 0) {
			return problem(Problems.of(HttpStatus.CONFLICT, "too-many-devices", "Too many devices",
					"The platform keeps at most its configured number of devices (mqlab.iot.max-devices)", Map.of()));
		}
		Device device = this.devices.find(registration.id()).orElseThrow();
		return (result == 1) ? ResponseEntity.created(URI.create("/devices/" + device.id())).body(device)
				: ResponseEntity.ok(device);
	}

	@GetMapping("/devices")
	Map<String, Object> list(@RequestParam(required = false) Boolean online,
			@RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int offset,
			@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
		List<Device> page = this.devices.list(online, offset, limit);
		return Map.of("offset", offset, "limit", limit, "items", page);
	}

	@GetMapping("/devices/{id}")
	ResponseEntity<Object> device(@PathVariable @Pattern(regexp = ID) String id) {
		return this.devices.find(id).<ResponseEntity<Object>>map(ResponseEntity::ok).orElseGet(() -> notFound(id));
	}

	@GetMapping("/devices/{id}/state")
	ResponseEntity<Object> state(@PathVariable @Pattern(regexp = ID) String id) {
		Device device = this.devices.find(id).orElse(null);
		if (device == null) {
			return notFound(id);
		}
		if (device.state() == null) {
			return problem(Problems.of(HttpStatus.NOT_FOUND, "state-not-reported", "No state yet",
					"Device " + id + " has not reported its state", Map.of("deviceId", id)));
		}
		return ResponseEntity.ok(device.state());
	}

	/**
	 * Telemetry measured from {@code from} to {@code to} (both optional), oldest first.
	 */
	@GetMapping("/devices/{id}/telemetry")
	ResponseEntity<Object> telemetry(@PathVariable @Pattern(regexp = ID) String id,
			@RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
			@RequestParam(defaultValue = "200") @Min(1) @Max(1000) int limit) {
		if (!this.devices.exists(id)) {
			return notFound(id);
		}
		Instant start = (from != null) ? from : Instant.EPOCH;
		Instant end = (to != null) ? to : Instant.now().plusSeconds(86_400);
		if (start.isBefore(Instant.EPOCH) || end.isAfter(LATEST)) {
			return problem(Problems
				.validation(List.of(new Problems.FieldError("from", "from and to must lie between 1970 and 9999"))));
		}
		if (start.isAfter(end)) {
			return problem(Problems.validation(List.of(new Problems.FieldError("from", "must not be after to"))));
		}
		List<JsonNode> items = this.devices.history(id, start, end, limit);
		return ResponseEntity.ok(Map.of("deviceId", id, "items", items));
	}

	/** The latest messages the bridge rejected, newest first. */
	@GetMapping("/rejections")
	Map<String, Object> rejections(
			@RequestParam(defaultValue = "20") @Min(1) @Max(DeviceStore.REJECTIONS_KEPT) int limit) {
		return Map.of("items", this.devices.rejections(limit));
	}

	private static ResponseEntity<Object> notFound(String id) {
		return problem(Problems.of(HttpStatus.NOT_FOUND, "device-not-found", "Device not found",
				"No device " + id + ": a device is known from its first message or POST /devices",
				Map.of("deviceId", id)));
	}

	private static ResponseEntity<Object> problem(ProblemDetail problem) {
		return ResponseEntity.status(problem.getStatus()).body(problem);
	}

}
