package io.mqlab.platform;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqlab.iot.IotServiceApplication;
import io.mqlab.messaging.contract.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The iot-service page in a real browser, on Redis, with the real Mosquitto: a device (an
 * MQTT 5 client that answers its commands) appears online with its latest readings and
 * state, its telemetry is charted when picked, and a command sent from the form shows its
 * state until the device's answer; a bad command shows the service's reason. MQTT topics,
 * client ids, backend topics and Redis keys are named after the run and removed after,
 * with the retained messages and sessions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IotPageTests {

	static final Duration PATIENCE = Duration.ofSeconds(60);

	static final String MQTT_HOST = System.getProperty("mqlab.test.mqtt.host", "127.0.0.1");

	static final int MQTT_PORT = Integer.getInteger("mqlab.test.mqtt.port", 1883);

	static final int READINGS = 6;

	@RegisterExtension
	static final Browser browser = new Browser();

	private final String run = "iotpg" + UUID.randomUUID().toString().substring(0, 8);

	private final String root = this.run + "/devices";

	private final String deviceId = this.run + "-boiler";

	private final Map<String, String> topics = new LinkedHashMap<>();

	private final TestBroker broker = TestBroker.of("redis");

	private ConfigurableApplicationContext service;

	private Mqtt5AsyncClient device;

	private String page;

	@BeforeAll
	void startService() {
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", "redis");
		args.put("server.port", "0");
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.metrics.agent.enabled", "false");
		args.put("mqlab.iot.mqtt.host", MQTT_HOST);
		args.put("mqlab.iot.mqtt.port", Integer.toString(MQTT_PORT));
		args.put("mqlab.iot.mqtt.client-id", this.run + "-bridge");
		args.put("mqlab.iot.mqtt.topic-root", this.root);
		args.put("mqlab.iot.mqtt.share-group", this.run);
		args.put("mqlab.iot.mqtt.session-expiry", "60s");
		args.put("mqlab.iot.key-prefix", this.run);
		for (String name : List.of("telemetry", "state", "status", "results", "rejected", "commands", "alerts")) {
			this.topics.put(name, "iot." + name + "-" + this.run);
			args.put("mqlab.iot.topics." + name, this.topics.get(name));
		}
		args.put("mqlab.messaging.partitions", "4");
		args.putAll(TestBroker.redisProperties());
		args.putAll(this.broker.properties(this.run));
		this.service = IotServiceApplication.builder()
			.run(args.entrySet()
				.stream()
				.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
				.toArray(String[]::new));
		this.page = "http://127.0.0.1:" + Platform.port(this.service) + "/";
	}

	@AfterAll
	void stopAndClean() {
		if (this.service != null) {
			this.service.close();
		}
		if (this.device != null && this.device.getState().isConnected()) {
			join(this.device.disconnect());
		}
		// the retained status and state, and both sessions
		Mqtt5AsyncClient cleaner = client(this.deviceId);
		join(cleaner.connectWith().cleanStart(true).sessionExpiryInterval(0).send());
		for (String kind : List.of("status", "state")) {
			join(cleaner.publishWith().topic(topic(kind)).retain(true).qos(MqttQos.AT_LEAST_ONCE).send());
		}
		join(cleaner.disconnect());
		Mqtt5AsyncClient bridge = client(this.run + "-bridge");
		join(bridge.connectWith().cleanStart(true).sessionExpiryInterval(0).send());
		join(bridge.disconnect());
		Map<String, String> topicsAndGroups = new LinkedHashMap<>();
		this.topics
			.forEach((name, topic) -> topicsAndGroups.put(topic, name.equals("commands") ? "iot-bridge" : "iot"));
		this.broker.removeState(this.run, topicsAndGroups);
		TestBroker.deleteRedisKeys(this.run + ":*");
	}

	@Test
	void showsADeviceItsChartAndACommandUntilTheDeviceAnswers() {
		connectDevice();
		publish("state", "{\"seq\":1,\"firmware\":\"5.1.0\"}", true);
		for (int seq = 1; seq <= READINGS; seq++) {
			publish("telemetry",
					JsonMapper.shared()
						.writeValueAsString(Map.of("seq", seq, "at", Instant.now().minusSeconds(READINGS - seq),
								"readings", Map.of("temperature", 20.0 + seq, "humidity", 40.0))),
					false);
		}
		browser.open(this.page);
		// the device's row: online, latest readings, state
		await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
			WebElement row = row();
			List<WebElement> cells = row.findElements(By.tagName("td"));
			assertThat(cells.get(1).getText()).isEqualTo("online");
			assertThat(cells.get(2).getText()).contains("temperature " + (20 + READINGS), "humidity 40");
			assertThat(cells.get(3).getText()).isEqualTo("firmware 5.1.0");
			assertThat(cells.get(4).getText()).isEqualTo(Integer.toString(READINGS));
		});
		// picked: its telemetry chart, a line per reading
		await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
			row().click();
			assertThat(browser.text("device-title")).isEqualTo("Device " + this.deviceId);
		});
		await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
			WebElement line = browser.driver()
				.findElement(By.cssSelector("#chart polyline[data-reading='temperature']"));
			assertThat(line.getDomAttribute("points").trim().split(" ")).hasSize(READINGS);
			assertThat(browser.driver().findElements(By.cssSelector("#chart polyline"))).hasSize(2);
			assertThat(browser.text("chart-legend")).startsWith(READINGS + " readings");
		});
		// a command from the form, its state until the device's answer
		WebElement form = browser.driver().findElement(By.id("command-form"));
		assertThat(form.isDisplayed()).isTrue();
		type("command-name", "reboot");
		type("command-args", "{\"delay\": 1}");
		type("command-ttl", "PT1M");
		form.findElement(By.cssSelector("button[type=submit]")).click();
		await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
			WebElement state = browser.driver().findElement(By.id("command-state"));
			assertThat(state.getDomAttribute("data-status")).isEqualTo("SUCCEEDED");
			assertThat(state.getText()).startsWith("command reboot ").endsWith(": SUCCEEDED (rebooted in 1 s)");
		});
		browser.screenshot("iot-page");
		// a bad time to live: the problem's detail, nothing sent
		type("command-ttl", "soon");
		form.findElement(By.cssSelector("button[type=submit]")).click();
		await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
			WebElement error = browser.driver().findElement(By.id("command-error"));
			assertThat(error.isDisplayed()).isTrue();
			assertThat(error.getText()).startsWith("Not sent: ");
		});
		assertThat(browser.consoleErrors()).allMatch((message) -> message.contains("400"));
	}

	private WebElement row() {
		return browser.driver().findElement(By.cssSelector("#devices tr[data-id='" + this.deviceId + "']"));
	}

	private static void type(String id, String text) {
		WebElement input = browser.driver().findElement(By.id(id));
		input.clear();
		input.sendKeys(text);
	}

	/**
	 * The device: a persistent session with a retained offline will, online, answering
	 * each command on its response topic.
	 */
	private void connectDevice() {
		this.device = client(this.deviceId);
		this.device.publishes(MqttGlobalPublishFilter.ALL, this::obey);
		join(this.device.connectWith()
			.cleanStart(true)
			.sessionExpiryInterval(60)
			.willPublish()
			.topic(topic("status"))
			.qos(MqttQos.AT_LEAST_ONCE)
			.retain(true)
			.payload(bytes("{\"online\":false}"))
			.applyWillPublish()
			.send());
		join(this.device.subscribeWith().topicFilter(topic("commands")).qos(MqttQos.AT_LEAST_ONCE).send());
		publish("status", "{\"online\":true}", true);
	}

	private void obey(Mqtt5Publish command) {
		JsonNode body = JsonMapper.shared().readTree(command.getPayloadAsBytes());
		String detail = "rebooted in " + body.get("args").get("delay").asInt() + " s";
		this.device.publishWith()
			.topic(command.getResponseTopic().orElseThrow())
			.correlationData(command.getCorrelationData().orElseThrow())
			.qos(MqttQos.AT_LEAST_ONCE)
			.payload(bytes("{\"status\":\"SUCCEEDED\",\"detail\":\"" + detail + "\"}"))
			.send();
	}

	private void publish(String kind, String payload, boolean retain) {
		join(this.device.publishWith()
			.topic(topic(kind))
			.qos(MqttQos.AT_LEAST_ONCE)
			.retain(retain)
			.payload(bytes(payload))
			.send());
	}

	private String topic(String kind) {
		return this.root + "/" + this.deviceId + "/" + kind;
	}

	private static Mqtt5AsyncClient client(String id) {
		return Mqtt5Client.builder().identifier(id).serverHost(MQTT_HOST).serverPort(MQTT_PORT).buildAsync();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static <T> T join(CompletableFuture<T> future) {
		try {
			return future.get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
