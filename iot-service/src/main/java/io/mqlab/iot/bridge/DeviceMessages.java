package io.mqlab.iot.bridge;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import io.mqlab.iot.IotSettings;
import io.mqlab.iot.command.CommandAnswered;
import io.mqlab.iot.device.DeviceMessageRejected;
import io.mqlab.iot.device.StateReported;
import io.mqlab.iot.device.StatusChanged;
import io.mqlab.iot.device.TelemetryReceived;
import io.mqlab.messaging.OutgoingMessage;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads what devices publish under {@code <root>/<deviceId>/...} into the backend message
 * it becomes, keyed by device id; what cannot be read becomes a
 * {@link DeviceMessageRejected} naming the reason. The device protocol is in the README.
 */
final class DeviceMessages {

	/** Device ids, as they appear in MQTT topics and Redis keys. */
	static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

	private static final Pattern READING = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

	private static final Pattern COMMAND_ID = Pattern.compile("[0-9a-f-]{36}");

	private final IotSettings settings;

	private final JsonMapper json;

	private final String root;

	DeviceMessages(IotSettings settings, JsonMapper json) {
		this.settings = settings;
		this.json = json;
		this.root = settings.mqtt().topicRoot() + "/";
	}

	String rejectedTopic() {
		return this.settings.topics().rejected();
	}

	/**
	 * The message for the backend: what the device sent, or why it was rejected;
	 * {@code null} for an empty payload, which only clears a retained message.
	 */
	OutgoingMessage read(String mqttTopic, byte[] payload, Instant receivedAt) {
		if (payload.length == 0) {
			return null;
		}
		String[] parts = mqttTopic.startsWith(this.root) ? mqttTopic.substring(this.root.length()).split("/", -1)
				: new String[0];
		String deviceId = (parts.length > 0) ? parts[0] : "";
		try {
			if (!DEVICE_ID.matcher(deviceId).matches()) {
				throw new Rejection("device id not " + DEVICE_ID.pattern());
			}
			if (payload.length > this.settings.maxPayloadBytes()) {
				throw new Rejection("payload of " + payload.length + " bytes over the limit of "
						+ this.settings.maxPayloadBytes() + " (mqlab.iot.max-payload-bytes)");
			}
			String kind = (parts.length == 2) ? parts[1]
					: (parts.length == 4 && parts[1].equals("commands") && parts[3].equals("result")) ? "result" : "";
			IotSettings.Topics topics = this.settings.topics();
			return switch (kind) {
				case "telemetry" ->
					OutgoingMessage.of(topics.telemetry(), deviceId, telemetry(deviceId, object(payload), receivedAt));
				case "state" ->
					OutgoingMessage.of(topics.state(), deviceId, state(deviceId, object(payload), receivedAt));
				case "status" -> OutgoingMessage.of(topics.status(), deviceId,
						new StatusChanged(deviceId, bool(object(payload), "online"), receivedAt));
				case "result" -> OutgoingMessage.of(topics.results(), deviceId,
						answer(deviceId, parts[2], object(payload), receivedAt));
				default -> throw new Rejection("unexpected topic: devices publish to " + this.root
						+ "<deviceId>/telemetry, /state, /status or /commands/<commandId>/result");
			};
		}
		catch (Rejection ex) {
			return rejected(deviceId, mqttTopic, ex.getMessage(), payload, receivedAt);
		}
	}

	OutgoingMessage rejected(String deviceId, String mqttTopic, String reason, byte[] payload, Instant receivedAt) {
		String text = new String(payload, 0, Math.min(payload.length, 1024), StandardCharsets.UTF_8);
		String excerpt = text.substring(0, Math.min(text.length(), 256));
		String key = DEVICE_ID.matcher(deviceId).matches() ? deviceId : "unknown";
		return OutgoingMessage.of(this.settings.topics().rejected(), key,
				new DeviceMessageRejected(deviceId, mqttTopic, reason, payload.length, excerpt, receivedAt));
	}

	private TelemetryReceived telemetry(String deviceId, JsonNode message, Instant receivedAt) {
		long seq = seq(message);
		JsonNode readings = message.get("readings");
		if (readings == null || !readings.isObject() || readings.isEmpty()
				|| readings.size() > this.settings.maxReadings()) {
			throw new Rejection("readings must be an object of 1 to " + this.settings.maxReadings() + " numbers");
		}
		Map<String, Double> values = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> reading : readings.properties()) {
			JsonNode value = reading.getValue();
			if (!READING.matcher(reading.getKey()).matches() || !value.isNumber()
					|| !Double.isFinite(value.doubleValue())) {
				throw new Rejection("reading '" + LogSafe.cut(reading.getKey()) + "' must be a finite number named "
						+ READING.pattern());
			}
			values.put(reading.getKey(), value.doubleValue());
		}
		Instant at = receivedAt;
		JsonNode given = message.get("at");
		if (given != null && !given.isNull()) {
			try {
				at = Instant.parse(given.asString());
			}
			catch (DateTimeParseException ex) {
				throw new Rejection("at must be an ISO-8601 instant, e.g. 2026-12-04T10:00:00Z");
			}
		}
		return new TelemetryReceived(deviceId, seq, at, values, receivedAt);
	}

	private StateReported state(String deviceId, JsonNode message, Instant receivedAt) {
		return new StateReported(deviceId, seq(message), message, receivedAt);
	}

	private CommandAnswered answer(String deviceId, String commandId, JsonNode message, Instant receivedAt) {
		if (!COMMAND_ID.matcher(commandId).matches()) {
			throw new Rejection("unknown command id");
		}
		JsonNode status = message.get("status");
		String value = (status != null && status.isString()) ? status.asString() : "";
		if (!value.equals("SUCCEEDED") && !value.equals("FAILED")) {
			throw new Rejection("status must be SUCCEEDED or FAILED");
		}
		JsonNode detail = message.get("detail");
		String text = (detail == null || detail.isNull()) ? null
				: detail.isString() ? detail.asString() : detail.toString();
		if (text != null && text.length() > 512) {
			text = text.substring(0, 512);
		}
		return new CommandAnswered(deviceId, commandId, value.equals("SUCCEEDED"), text, receivedAt);
	}

	private JsonNode object(byte[] payload) {
		try {
			JsonNode node = this.json.readTree(payload);
			if (node == null || !node.isObject()) {
				throw new Rejection("payload must be a JSON object");
			}
			return node;
		}
		catch (JacksonException ex) {
			throw new Rejection("malformed JSON: " + LogSafe.cut(ex.getOriginalMessage()));
		}
	}

	private static long seq(JsonNode message) {
		JsonNode seq = message.get("seq");
		if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.longValue() < 0) {
			throw new Rejection("seq must be a whole number from 0");
		}
		return seq.longValue();
	}

	private static boolean bool(JsonNode message, String field) {
		JsonNode value = message.get(field);
		if (value == null || !value.isBoolean()) {
			throw new Rejection(field + " must be true or false");
		}
		return value.booleanValue();
	}

	/** Why a device message cannot be forwarded; a control-flow exception, no stack. */
	private static final class Rejection extends RuntimeException {

		Rejection(String reason) {
			super(reason, null, false, false);
		}

	}

	/** Text from a device, cut to a length that fits a reason. */
	private static final class LogSafe {

		static String cut(String text) {
			return (text == null) ? "" : (text.length() > 120) ? text.substring(0, 120) + "..." : text;
		}

	}

}
