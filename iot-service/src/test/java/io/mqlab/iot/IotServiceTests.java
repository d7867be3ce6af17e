package io.mqlab.iot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.iot.bridge.MqttBridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.support.Http;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * iot-service end to end on one backend with the real Mosquitto and Redis: simulated
 * devices publish over MQTT, the bridge forwards through the backend, the consumers keep
 * the devices' values, commands go back out to the devices. One instance per class; its
 * MQTT topics, client ids, backend topics and Redis keys are named after the run and
 * removed afterwards, with the retained messages its devices left. One subclass per
 * backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IotServiceTests {

	static final Duration PATIENCE = Duration.ofSeconds(60);

	static final int DEVICES = 20;

	static final int READINGS = 25;

	static final int STATEFUL = 6;

	final String run = "iot" + UUID.randomUUID().toString().substring(0, 8);

	final String root = this.run + "/devices";

	private final TestBroker broker;

	private final List<TestDevice> devices = new CopyOnWriteArrayList<>();

	private final Map<String, String> args = new LinkedHashMap<>();

	private ConfigurableApplicationContext context;

	private Http api;

	IotServiceTests(TestBroker broker) {
		this.broker = broker;
	}

	@BeforeAll
	void start() {
		Map<String, String> args = this.args;
		args.put("spring.profiles.active", this.broker.backend());
		args.put("server.port", "0");
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.iot.mqtt.host", TestDevice.HOST);
		args.put("mqlab.iot.mqtt.port", Integer.toString(TestDevice.PORT));
		args.put("mqlab.iot.mqtt.client-id", this.run + "-bridge");
		args.put("mqlab.iot.mqtt.topic-root", this.root);
		args.put("mqlab.iot.mqtt.share-group", this.run);
		args.put("mqlab.iot.mqtt.session-expiry", "60s");
		args.put("mqlab.iot.key-prefix", this.run);
		topics().forEach((name, topic) -> args.put("mqlab.iot.topics." + name, topic));
		args.put("mqlab.messaging.partitions", "4");
		args.put("mqlab.messaging.visibility-timeout", "5s");
		args.putAll(TestBroker.redisProperties());
		args.putAll(this.broker.properties(this.run));
		startInstance();
	}

	private void startInstance() {
		this.context = IotServiceApplication.builder()
			.run(this.args.entrySet()
				.stream()
				.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
				.toArray(String[]::new));
		this.api = new Http(((WebServerApplicationContext) this.context).getWebServer().getPort());
	}

	/**
	 * Stops the instance (bridge, consumers and all, as a deployment does), runs what
	 * happens while it is away, and starts it again with the same client id.
	 */
	void restart(Runnable whileStopped) {
		this.context.close();
		whileStopped.run();
		startInstance();
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	Http api() {
		return this.api;
	}

	String topic(String name) {
		return topics().get(name);
	}

	private Map<String, String> topics() {
		Map<String, String> topics = new LinkedHashMap<>();
		for (String name : List.of("telemetry", "state", "status", "results", "rejected", "commands", "alerts")) {
			topics.put(name, "iot." + name + "-" + this.run);
		}
		return topics;
	}

	@AfterAll
	void stopAndClean() {
		if (this.context != null) {
			this.context.close();
		}
		for (TestDevice device : this.devices) {
			device.close();
			device.clean();
		}
		// the bridge's session (its client id is the run's) goes at once
		TestDevice.removeSession(this.run + "-bridge");
		Map<String, String> topicsAndGroups = new LinkedHashMap<>();
		topics().forEach((name, topic) -> topicsAndGroups.put(topic, name.equals("commands") ? "iot-bridge" : "iot"));
		this.broker.removeState(this.run, topicsAndGroups);
		this.broker.close();
		TestBroker.deleteRedisKeys(this.run + ":*");
	}

	TestDevice device(String name) {
		TestDevice device = new TestDevice(this.root, this.run + "-" + name);
		this.devices.add(device);
		return device;
	}

	@Test
	void everyReadingArrivesOnceAndInOrder() {
		List<TestDevice> fleet = IntStream.range(0, DEVICES).mapToObj((i) -> device("t" + i).connect()).toList();
		// each device sends its readings one after the other, the devices all at once,
		// and
		// three of them again (as a device does that missed the PUBACK)
		CompletableFuture.allOf(fleet.stream().map((device) -> CompletableFuture.runAsync(() -> {
			for (long seq = 1; seq <= READINGS; seq++) {
				device.telemetry(seq, Map.of("temperature", 20.0 + seq / 10.0, "humidity", 40.0));
			}
			for (long seq : new long[] { 5, 10, READINGS }) {
				device.telemetry(seq, Map.of("temperature", -1.0, "humidity", -1.0));
			}
		})).toArray(CompletableFuture[]::new)).join();
		for (TestDevice device : fleet) {
			await().atMost(PATIENCE)
				.untilAsserted(() -> assertThat(deviceView(device).get("duplicates").asLong()).isEqualTo(3));
			JsonNode view = deviceView(device);
			assertThat(view.get("received").asLong()).isEqualTo(READINGS);
			assertThat(view.get("missing").asLong()).isZero();
			assertThat(view.get("outOfOrder").asLong()).isZero();
			assertThat(view.get("readings").get("temperature").asDouble()).isEqualTo(20.0 + READINGS / 10.0);
			JsonNode history = this.api.get("/devices/" + device.id + "/telemetry").body().get("items");
			assertThat(history.valueStream().map((entry) -> entry.get("seq").asLong()))
				.containsExactlyElementsOf(LongStream.rangeClosed(1, READINGS).boxed().toList());
			assertThat(history.valueStream().map((entry) -> entry.get("readings").get("temperature").asDouble()))
				.doesNotContain(-1.0);
		}
		assertThat(this.api.get("/devices?online=true&limit=500")
			.body()
			.get("items")
			.valueStream()
			.map((device) -> device.get("id").asString())).containsAll(fleet.stream().map((d) -> d.id).toList());
	}

	@Test
	void gapsAreCountedAndFilledByLateReadings() {
		TestDevice device = device("gappy").connect();
		for (long seq : new long[] { 1, 2, 5, 6 }) {
			device.telemetry(seq, Map.of("temperature", 21.0));
		}
		await().atMost(PATIENCE).until(() -> deviceView(device).get("received").asLong() == 4);
		assertThat(deviceView(device).get("missing").asLong()).isEqualTo(2);
		device.telemetry(3, Map.of("temperature", 21.0));
		await().atMost(PATIENCE).until(() -> deviceView(device).get("missing").asLong() == 1);
		assertThat(deviceView(device).get("outOfOrder").asLong()).isEqualTo(1);
	}

	@Test
	void aReadingOverItsLimitRaisesAnAlertUntilBackUnder() {
		TestDevice device = device("hot").connect();
		device.telemetry(1, Map.of("temperature", 95.5));
		await().atMost(PATIENCE).until(() -> deviceView(device).has("alert"));
		JsonNode alert = deviceView(device).get("alert");
		assertThat(alert.get("reading").asString()).isEqualTo("temperature");
		assertThat(alert.get("value").asDouble()).isEqualTo(95.5);
		assertThat(alert.get("limit").asDouble()).isEqualTo(80.0);
		device.telemetry(2, Map.of("temperature", 60.0));
		await().atMost(PATIENCE).until(() -> !deviceView(device).has("alert"));
	}

	@Test
	void theLastStateIsKeptAndANewSubscriberGetsOnlyTheLatest() {
		TestDevice device = device("stateful").connect();
		for (int seq = 1; seq <= 3; seq++) {
			device.state(seq, "1.2." + seq);
		}
		await().atMost(PATIENCE).untilAsserted(() -> {
			Http.Response state = this.api.get("/devices/" + device.id + "/state");
			assertThat(state.status()).isEqualTo(200);
			assertThat(state.body().get("seq").asLong()).isEqualTo(3);
		});
		assertThat(this.api.get("/devices/" + device.id + "/state").body().get("firmware").asString())
			.isEqualTo("1.2.3");
		List<Mqtt5Publish> received = new CopyOnWriteArrayList<>();
		Mqtt5AsyncClient subscriber = Mqtt5Client.builder()
			.identifier(this.run + "-viewer")
			.serverHost(TestDevice.HOST)
			.serverPort(TestDevice.PORT)
			.buildAsync();
		TestDevice.join(subscriber.connectWith().cleanStart(true).send());
		try {
			// retained messages come right after the SUBACK, before the marker published
			// after it on the same connection
			String marker = this.run + "/marker";
			TestDevice.join(subscriber.subscribeWith()
				.addSubscription()
				.topicFilter(this.root + "/" + device.id + "/state")
				.qos(MqttQos.AT_LEAST_ONCE)
				.applySubscription()
				.addSubscription()
				.topicFilter(marker)
				.qos(MqttQos.AT_LEAST_ONCE)
				.applySubscription()
				.callback(received::add)
				.send());
			TestDevice.join(subscriber.publishWith().topic(marker).qos(MqttQos.AT_LEAST_ONCE).send());
			await().atMost(PATIENCE)
				.until(() -> received.stream().anyMatch((publish) -> publish.getTopic().toString().equals(marker)));
			List<JsonNode> states = received.stream()
				.filter((publish) -> !publish.getTopic().toString().equals(marker))
				.map((publish) -> JsonMapper.shared().readTree(publish.getPayloadAsBytes()))
				.toList();
			assertThat(states).hasSize(1);
			assertThat(states.get(0).get("seq").asLong()).isEqualTo(3);
		}
		finally {
			TestDevice.join(subscriber.disconnect());
		}
		// a late, older state does not replace the platform's
		MeterRegistry meters = this.context.getBean(MeterRegistry.class);
		double older = meters.counter("mqlab.iot.state", "outcome", "older").count();
		device.state(2, "1.2.2");
		await().atMost(PATIENCE).until(() -> meters.counter("mqlab.iot.state", "outcome", "older").count() > older);
		assertThat(this.api.get("/devices/" + device.id + "/state").body().get("seq").asLong()).isEqualTo(3);
	}

	/**
	 * Devices keep reporting their state (each waits for Mosquitto's PUBACK) while the
	 * bridge stops, with messages in flight, and starts again with the same session: what
	 * Mosquitto acknowledged while the bridge was away, or had sent it without getting
	 * its acknowledgement, comes through the session.
	 */
	@Test
	void afterABridgeRestartTheLastStateOfEveryDeviceIsItsLastAcknowledged() {
		List<TestDevice> fleet = IntStream.range(0, STATEFUL).mapToObj((i) -> device("r" + i).connect()).toList();
		Map<String, AtomicLong> acknowledged = new ConcurrentHashMap<>();
		fleet.forEach((device) -> acknowledged.put(device.id, new AtomicLong()));
		AtomicBoolean reporting = new AtomicBoolean(true);
		ExecutorService threads = Executors.newFixedThreadPool(fleet.size());
		List<CompletableFuture<Void>> reporters = fleet.stream().map((device) -> CompletableFuture.runAsync(() -> {
			for (long seq = 1; reporting.get(); seq++) {
				device.state(seq, "3.0." + seq);
				acknowledged.get(device.id).set(seq);
				// paced: about 20 states a second per device
				LockSupport.parkNanos(50_000_000L);
			}
		}, threads)).toList();
		try {
			// mid-stream: every device's state is coming through
			await().atMost(PATIENCE).until(() -> fleet.stream().allMatch((device) -> stateSeq(device) >= 3));
			MqttBridge bridge = this.context.getBean(MqttBridge.class);
			bridge.stop();
			// states Mosquitto acknowledged while no bridge was there
			Map<String, Long> stopped = snapshot(acknowledged);
			await().atMost(PATIENCE)
				.until(() -> fleet.stream()
					.allMatch((device) -> acknowledged.get(device.id).get() >= stopped.get(device.id) + 5));
			bridge.start();
			// and a few more since it is back
			Map<String, Long> started = snapshot(acknowledged);
			await().atMost(PATIENCE)
				.until(() -> fleet.stream()
					.allMatch((device) -> acknowledged.get(device.id).get() >= started.get(device.id) + 5));
		}
		finally {
			reporting.set(false);
			CompletableFuture.allOf(reporters.toArray(CompletableFuture[]::new)).join();
			threads.shutdown();
		}
		for (TestDevice device : fleet) {
			long last = acknowledged.get(device.id).get();
			await().atMost(PATIENCE).untilAsserted(() -> assertThat(stateSeq(device)).as(device.id).isEqualTo(last));
			assertThat(this.api.get("/devices/" + device.id + "/state").body().get("firmware").asString())
				.isEqualTo("3.0." + last);
		}
	}

	@Test
	void onlineAndOfflineFollowTheLastWill() {
		TestDevice device = device("mortal").connect();
		await().atMost(PATIENCE).until(() -> deviceView(device).get("online").asBoolean());
		device.die();
		await().atMost(PATIENCE).until(() -> !deviceView(device).get("online").asBoolean());
		assertThat(ids("/devices?online=false&limit=500")).contains(device.id);
		assertThat(ids("/devices?online=true&limit=500")).doesNotContain(device.id);
	}

	@Test
	void aCommandMakesTheRoundTripAndASecondAnswerChangesNothing() {
		TestDevice device = device("online").connect();
		register(device);
		String id = command(device, "{\"name\":\"reboot\",\"args\":{\"delay\":5},\"ttl\":\"PT1M\"}");
		await().atMost(PATIENCE).until(() -> device.received(id) == 1);
		JsonNode sent = device.commands().get(0);
		assertThat(sent.get("name").asString()).isEqualTo("reboot");
		assertThat(sent.get("args").get("delay").asInt()).isEqualTo(5);
		await().atMost(PATIENCE).until(() -> status(device, id).equals("DELIVERED"));
		device.answer(id, "SUCCEEDED", "rebooted");
		await().atMost(PATIENCE).until(() -> status(device, id).equals("SUCCEEDED"));
		device.answer(id, "FAILED", "changed my mind");
		await().atMost(PATIENCE).until(() -> commandView(device, id).get("ignoredAnswers").asLong() == 1);
		JsonNode command = commandView(device, id);
		assertThat(command.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(command.get("detail").asString()).isEqualTo("rebooted");
	}

	@Test
	void anOfflineDeviceGetsItsCommandOnceOnReconnect() {
		TestDevice device = device("sleepy").connect();
		register(device);
		device.leave();
		String id = command(device, "{\"name\":\"calibrate\",\"ttl\":\"PT1M\"}");
		await().atMost(PATIENCE).until(() -> status(device, id).equals("DELIVERED"));
		TestDevice again = device("sleepy").connect();
		await().atMost(PATIENCE).until(() -> again.received(id) == 1);
		// a command sent now comes after anything still queued: then the first came once
		String next = command(again, "{\"name\":\"ping\",\"ttl\":\"PT1M\"}");
		await().atMost(PATIENCE).until(() -> again.received(next) == 1);
		assertThat(again.received(id)).isEqualTo(1);
		again.answer(id, "SUCCEEDED", "calibrated");
		await().atMost(PATIENCE).until(() -> status(again, id).equals("SUCCEEDED"));
	}

	@Test
	void anExpiredCommandIsNeverDelivered() {
		TestDevice device = device("away").connect();
		register(device);
		device.leave();
		String id = command(device, "{\"name\":\"calibrate\",\"ttl\":\"PT2S\"}");
		await().atMost(PATIENCE).until(() -> status(device, id).equals("EXPIRED"));
		TestDevice again = device("away").connect();
		String next = command(again, "{\"name\":\"ping\",\"ttl\":\"PT1M\"}");
		await().atMost(PATIENCE).until(() -> again.received(next) == 1);
		assertThat(again.received(id)).isZero();
		again.answer(next, "SUCCEEDED", "pong");
		await().atMost(PATIENCE).until(() -> status(again, next).equals("SUCCEEDED"));
		assertThat(status(again, id)).isEqualTo("EXPIRED");
	}

	@Test
	void unreadableDeviceMessagesAreRejectedWithAReasonAndTheRestFlows() {
		TestDevice device = device("broken").connect();
		register(device);
		device.publish("telemetry", "{\"seq\": 1, \"readings\": {\"temperature\": 2", false);
		device.publish("telemetry", new byte[20_000], false);
		device.publish("telemetry", "{\"seq\": -4, \"readings\": {\"temperature\": 2}}", false);
		device.telemetry(1, Map.of("temperature", 22.0));
		await().atMost(PATIENCE).until(() -> deviceView(device).get("received").asLong() == 1);
		await().atMost(PATIENCE).until(() -> deviceView(device).get("rejected").asLong() == 3);
		List<String> reasons = this.api.get("/rejections?limit=100")
			.body()
			.get("items")
			.valueStream()
			.filter((rejection) -> rejection.get("deviceId").asString().equals(device.id))
			.map((rejection) -> rejection.get("reason").asString())
			.toList();
		assertThat(reasons).hasSize(3)
			.anyMatch((reason) -> reason.startsWith("malformed JSON"))
			.anyMatch((reason) -> reason.startsWith("payload of 20000 bytes over the limit"))
			.anyMatch((reason) -> reason.startsWith("seq must be"));
	}

	@Test
	void badRequestsGetProblemDetails() {
		TestDevice device = device("strict");
		register(device);
		Http.Response unknown = this.api.post("/devices/nobody-" + this.run + "/commands", "{\"name\":\"x\"}");
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.body().get("type").asString()).isEqualTo("urn:mqlab:problem:device-not-found");
		for (String body : List.of("{}", "{\"name\":\"bad name!\"}", "{\"name\":\"x\",\"ttl\":\"PT0S\"}",
				"{\"name\":\"x\",\"ttl\":\"P30D\"}", "{\"name\":\"x\",\"args\":[1]}", "{\"name\":\"x\",\"extra\":1}",
				"{\"name\":\"x\",\"ttl\":\"soon\"}", "not json")) {
			Http.Response answer = this.api.post("/devices/" + device.id + "/commands", body);
			assertThat(answer.status()).as(body).isEqualTo(400);
			assertThat(answer.contentType()).as(body).startsWith("application/problem+json");
		}
		assertThat(this.api.get("/devices/bad%20id").status()).isEqualTo(400);
		assertThat(
				this.api.get("/devices/" + device.id + "/telemetry?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")
					.status())
			.isEqualTo(400);
		assertThat(this.api.get("/devices/" + device.id + "/telemetry?limit=5000").status()).isEqualTo(400);
		assertThat(this.api.get("/devices/" + device.id + "/commands/" + UUID.randomUUID()).status()).isEqualTo(404);
		assertThat(this.api.post("/devices", "{\"id\":\"no/slash\"}").status()).isEqualTo(400);
	}

	@Test
	void mosquittoDropsNothing() {
		await().atMost(PATIENCE).until(() -> this.api.get("/broker").body().get("dropped").asLong() >= 0);
		JsonNode broker = this.api.get("/broker").body();
		assertThat(broker.get("connected").asBoolean()).isTrue();
		assertThat(broker.get("dropped").asLong()).isZero();
	}

	private void register(TestDevice device) {
		assertThat(this.api.post("/devices", "{\"id\":\"" + device.id + "\"}").status()).isIn(200, 201);
	}

	private String command(TestDevice device, String body) {
		Http.Response answer = this.api.post("/devices/" + device.id + "/commands", body);
		assertThat(answer.status()).as(answer.body().toString()).isEqualTo(202);
		assertThat(answer.body().get("status").asString()).isEqualTo("PENDING");
		return answer.body().get("id").asString();
	}

	private String status(TestDevice device, String commandId) {
		return commandView(device, commandId).get("status").asString();
	}

	private JsonNode commandView(TestDevice device, String commandId) {
		Http.Response answer = this.api.get("/devices/" + device.id + "/commands/" + commandId);
		assertThat(answer.status()).isEqualTo(200);
		return answer.body();
	}

	private static Map<String, Long> snapshot(Map<String, AtomicLong> values) {
		Map<String, Long> copy = new LinkedHashMap<>();
		values.forEach((key, value) -> copy.put(key, value.get()));
		return copy;
	}

	/**
	 * The sequence number of the state the platform keeps for the device, -1 for none.
	 */
	long stateSeq(TestDevice device) {
		Http.Response answer = this.api.get("/devices/" + device.id + "/state");
		return (answer.status() == 200) ? answer.body().get("seq").asLong() : -1;
	}

	private JsonNode deviceView(TestDevice device) {
		Http.Response answer = this.api.get("/devices/" + device.id);
		return (answer.status() == 200) ? answer.body()
				: JsonMapper.shared()
					.createObjectNode()
					.put("received", -1)
					.put("duplicates", -1)
					.put("online", false)
					.put("missing", -1)
					.put("rejected", -1);
	}

	private List<String> ids(String path) {
		List<String> ids = new ArrayList<>();
		this.api.get(path).body().get("items").forEach((device) -> ids.add(device.get("id").asString()));
		return ids;
	}

}
