package io.mqlab.iot;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A device as the README's protocol describes it, over a real MQTT 5 connection to
 * Mosquitto: a persistent session, a retained status with a last will, telemetry and
 * state with sequence numbers, and commands taken from {@code <root>/<id>/commands}.
 */
final class TestDevice implements AutoCloseable {

	/** The test Mosquitto (the machine's, or the compose service's port). */
	static final String HOST = System.getProperty("mqlab.test.mqtt.host", "127.0.0.1");

	static final int PORT = Integer.getInteger("mqlab.test.mqtt.port", 1883);

	private static final JsonMapper JSON = JsonMapper.shared();

	final String id;

	private final String topic;

	private final List<Mqtt5Publish> commands = new CopyOnWriteArrayList<>();

	private Mqtt5AsyncClient client;

	TestDevice(String root, String id) {
		this.id = id;
		this.topic = root + "/" + id;
	}

	/**
	 * Connects with a session kept 5 minutes and a retained offline will, subscribes to
	 * its commands and says it is online.
	 */
	TestDevice connect() {
		this.client = Mqtt5Client.builder().identifier(this.id).serverHost(HOST).serverPort(PORT).buildAsync();
		// before connecting: commands queued while offline come right after CONNACK
		this.client.publishes(MqttGlobalPublishFilter.ALL, this.commands::add);
		join(this.client.connectWith()
			.cleanStart(false)
			.sessionExpiryInterval(300)
			.willPublish()
			.topic(this.topic + "/status")
			.qos(MqttQos.AT_LEAST_ONCE)
			.retain(true)
			.payload(bytes("{\"online\":false}"))
			.applyWillPublish()
			.send());
		join(this.client.subscribeWith().topicFilter(this.topic + "/commands").qos(MqttQos.AT_LEAST_ONCE).send());
		publish("status", "{\"online\":true}", true);
		return this;
	}

	void telemetry(long seq, Map<String, Double> readings) {
		publish("telemetry", JSON.writeValueAsString(Map.of("seq", seq, "at", Instant.now(), "readings", readings)),
				false);
	}

	/**
	 * Without waiting for the PUBACK: MQTT keeps one client's QoS 1 messages in order.
	 */
	java.util.concurrent.CompletableFuture<?> telemetryAsync(long seq, Map<String, Double> readings) {
		return this.client.publishWith()
			.topic(this.topic + "/telemetry")
			.qos(MqttQos.AT_LEAST_ONCE)
			.payload(bytes(JSON.writeValueAsString(Map.of("seq", seq, "at", Instant.now(), "readings", readings))))
			.send();
	}

	void state(long seq, String firmware) {
		publish("state", "{\"seq\":" + seq + ",\"firmware\":\"" + firmware + "\"}", true);
	}

	/** Publishes with QoS 1 and waits for Mosquitto's PUBACK. */
	void publish(String kind, String payload, boolean retain) {
		publish(kind, bytes(payload), retain);
	}

	void publish(String kind, byte[] payload, boolean retain) {
		join(this.client.publishWith()
			.topic(this.topic + "/" + kind)
			.qos(MqttQos.AT_LEAST_ONCE)
			.retain(retain)
			.payload(payload)
			.send());
	}

	/** The commands received so far, as JSON. */
	List<JsonNode> commands() {
		return this.commands.stream().map((publish) -> JSON.readTree(publish.getPayloadAsBytes())).toList();
	}

	long received(String commandId) {
		return commands().stream().filter((command) -> command.get("id").asString().equals(commandId)).count();
	}

	/** Answers a received command on its response topic, with its correlation data. */
	void answer(String commandId, String status, String detail) {
		Mqtt5Publish command = this.commands.stream()
			.filter((publish) -> JSON.readTree(publish.getPayloadAsBytes()).get("id").asString().equals(commandId))
			.findFirst()
			.orElseThrow();
		join(this.client.publishWith()
			.topic(command.getResponseTopic().orElseThrow())
			.correlationData(command.getCorrelationData().orElseThrow())
			.qos(MqttQos.AT_LEAST_ONCE)
			.payload(bytes("{\"status\":\"" + status + "\",\"detail\":\"" + detail + "\"}"))
			.send());
	}

	/** Leaves as a device that lost its connection: Mosquitto publishes the will. */
	void die() {
		join(this.client.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send());
	}

	/** Goes offline politely (no will), the session kept for its commands. */
	void leave() {
		join(this.client.disconnect());
	}

	/** Removes the retained messages this device left and its session. */
	void clean() {
		Mqtt5AsyncClient cleaner = Mqtt5Client.builder()
			.identifier(this.id)
			.serverHost(HOST)
			.serverPort(PORT)
			.buildAsync();
		join(cleaner.connectWith().cleanStart(true).sessionExpiryInterval(0).send());
		for (String kind : List.of("status", "state")) {
			join(cleaner.publishWith().topic(this.topic + "/" + kind).retain(true).qos(MqttQos.AT_LEAST_ONCE).send());
		}
		join(cleaner.disconnect());
	}

	/** Ends a client's persistent session: a clean start with no expiry, then leave. */
	static void removeSession(String clientId) {
		Mqtt5AsyncClient client = Mqtt5Client.builder()
			.identifier(clientId)
			.serverHost(HOST)
			.serverPort(PORT)
			.buildAsync();
		join(client.connectWith().cleanStart(true).sessionExpiryInterval(0).send());
		join(client.disconnect());
	}

	@Override
	public void close() {
		if (this.client != null && this.client.getState().isConnected()) {
			leave();
		}
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
		try {
			return future.get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
