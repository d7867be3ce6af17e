package io.mqlab.iot.bridge;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.mqlab.iot.IotSettings;
import io.mqlab.iot.command.CommandAnswered;
import io.mqlab.iot.device.DeviceMessageRejected;
import io.mqlab.iot.device.StateReported;
import io.mqlab.iot.device.StatusChanged;
import io.mqlab.iot.device.TelemetryReceived;
import io.mqlab.messaging.OutgoingMessage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** What each device topic and payload becomes on the backend, or why it is rejected. */
class DeviceMessagesTests {

	private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

	private final IotSettings settings = new IotSettings(
			new IotSettings.Mqtt(true, "127.0.0.1", 1883, "b", "site/devices", "iot", Duration.ofHours(1), 100, 2,
					Duration.ofSeconds(1)),
			new IotSettings.Topics("t", "s", "st", "r", "rej", "c", "a"), "iot", "iot-bridge", 4, "iot", 100, 2, 10, 10,
			10, Map.of("temperature", 80.0), Duration.ofDays(1), Duration.ofDays(1), Duration.ofSeconds(60));

	private final DeviceMessages messages = new DeviceMessages(this.settings, JsonMapper.shared());

	@Test
	void telemetryIsKeyedByDevice() {
		OutgoingMessage message = read("site/devices/d-1/telemetry",
				"{\"seq\":42,\"at\":\"2026-12-04T09:59:00Z\",\"readings\":{\"temperature\":21.5}}");
		assertThat(message.topic()).isEqualTo("t");
		assertThat(message.key()).isEqualTo("d-1");
		TelemetryReceived telemetry = (TelemetryReceived) message.payload();
		assertThat(telemetry.seq()).isEqualTo(42);
		assertThat(telemetry.at()).isEqualTo(Instant.parse("2026-12-04T09:59:00Z"));
		assertThat(telemetry.readings()).containsEntry("temperature", 21.5);
		assertThat(telemetry.receivedAt()).isEqualTo(NOW);
	}

	@Test
	void stateStatusAndAnswersBecomeTheirEvents() {
		assertThat(
				((StateReported) read("site/devices/d-1/state", "{\"seq\":3,\"firmware\":\"1.2.0\"}").payload()).state()
					.get("firmware")
					.asString())
			.isEqualTo("1.2.0");
		assertThat(((StatusChanged) read("site/devices/d-1/status", "{\"online\":false}").payload()).online())
			.isFalse();
		String id = "0b7e3f4a-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
		CommandAnswered answer = (CommandAnswered) read("site/devices/d-1/commands/" + id + "/result",
				"{\"status\":\"FAILED\",\"detail\":\"no\"}")
			.payload();
		assertThat(answer.commandId()).isEqualTo(id);
		assertThat(answer.succeeded()).isFalse();
		assertThat(answer.detail()).isEqualTo("no");
	}

	@Test
	void anEmptyPayloadOnlyClearsARetainedMessage() {
		assertThat(this.messages.read("site/devices/d-1/state", new byte[0], NOW)).isNull();
	}

	@Test
	void unreadableMessagesAreRejectedWithTheirReason() {
		assertThat(reason("site/devices/d-1/telemetry", "{\"seq\":1,\"readings\":")).startsWith("malformed JSON");
		assertThat(reason("site/devices/d-1/telemetry", "x".repeat(101))).startsWith("payload of 101 bytes over");
		assertThat(reason("site/devices/d-1/telemetry", "[1]")).isEqualTo("payload must be a JSON object");
		assertThat(reason("site/devices/d-1/telemetry", "{\"seq\":1.5,\"readings\":{\"a\":1}}"))
			.startsWith("seq must be");
		assertThat(reason("site/devices/d-1/telemetry", "{\"seq\":1,\"readings\":{}}")).startsWith("readings must");
		assertThat(reason("site/devices/d-1/telemetry", "{\"seq\":1,\"readings\":{\"a\":1,\"b\":2,\"c\":3}}"))
			.startsWith("readings must");
		assertThat(reason("site/devices/d-1/telemetry", "{\"seq\":1,\"readings\":{\"a\":\"hot\"}}"))
			.startsWith("reading 'a'");
		assertThat(reason("site/devices/d-1/telemetry", "{\"seq\":1,\"at\":\"today\",\"readings\":{\"a\":1}}"))
			.startsWith("at must be");
		assertThat(reason("site/devices/d-1/status", "{\"online\":\"yes\"}")).startsWith("online must be");
		assertThat(reason("site/devices/d-1/commands/x/result", "{\"status\":\"SUCCEEDED\"}"))
			.isEqualTo("unknown command id");
		assertThat(reason("site/devices/d-1/other", "{}")).startsWith("unexpected topic");
		assertThat(reason("site/devices/d 1/state", "{}")).startsWith("device id not");
		OutgoingMessage rejected = read("site/devices/d 1/state", "{}");
		assertThat(rejected.topic()).isEqualTo("rej");
		assertThat(rejected.key()).isEqualTo("unknown");
	}

	private String reason(String topic, String payload) {
		OutgoingMessage message = read(topic, payload);
		assertThat(message.topic()).isEqualTo("rej");
		return ((DeviceMessageRejected) message.payload()).reason();
	}

	private OutgoingMessage read(String topic, String payload) {
		return this.messages.read(topic, payload.getBytes(StandardCharsets.UTF_8), NOW);
	}

}
