package io.mqlab.iot.simulate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./mqlab devices [N]}: N simulated devices speaking the README's protocol to
 * Mosquitto. Each connects with a persistent session and a last will, publishes its state
 * (retained) and a reading of temperature and humidity every interval, with sequence
 * numbers; obeys commands ({@code reboot}: offline for a few seconds,
 * {@code set-firmware} with {@code {"version": "..."}}: a new state; anything else fails)
 * and answers on the response topic; now and then a device drops off without a word (its
 * will says offline) and comes back. Prints what it did when the time is up.
 * <p>
 * Options: {@code --mqtt host:port} (127.0.0.1:1883), {@code --root devices},
 * {@code --prefix sim-}, {@code --interval 1s}, {@code --duration 60s},
 * {@code --seed 42}.
 */
public final class DeviceSimulator {

	private static final JsonMapper JSON = JsonMapper.shared();

	private final String host;

	private final int port;

	private final String root;

	private final Random random;

	private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

	private final AtomicLong readings = new AtomicLong();

	private final AtomicLong commands = new AtomicLong();

	private final AtomicLong dropouts = new AtomicLong();

	private DeviceSimulator(String host, int port, String root, long seed) {
		this.host = host;
		this.port = port;
		this.root = root;
		this.random = new Random(seed);
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new LinkedHashMap<>();
		int devices = 10;
		for (int i = 0; i < args.length; i++) {
			if (args[i].startsWith("--") && i + 1 < args.length) {
				options.put(args[i].substring(2), args[++i]);
			}
			else {
				devices = Integer.parseInt(args[i]);
			}
		}
		String[] mqtt = options.getOrDefault("mqtt", "127.0.0.1:1883").split(":");
		DeviceSimulator simulator = new DeviceSimulator(mqtt[0], Integer.parseInt(mqtt[1]),
				options.getOrDefault("root", "devices"), Long.parseLong(options.getOrDefault("seed", "42")));
		Duration interval = duration(options.getOrDefault("interval", "1s"));
		Duration duration = duration(options.getOrDefault("duration", "60s"));
		String prefix = options.getOrDefault("prefix", "sim-");
		List<Device> fleet = new ArrayList<>();
		for (int i = 0; i < devices; i++) {
			fleet.add(simulator.new Device(prefix + i));
		}
		CompletableFuture.allOf(fleet.stream().map(Device::connect).toArray(CompletableFuture[]::new))
			.get(60, TimeUnit.SECONDS);
		System.out.printf("devices: %d devices connected to %s:%d under %s/, a reading each every %s for %s%n", devices,
				simulator.host, simulator.port, simulator.root, interval, duration);
		for (Device device : fleet) {
			long offset = simulator.random.nextInt((int) Math.max(1, interval.toMillis()));
			simulator.scheduler.scheduleAtFixedRate(device::tick, offset, interval.toMillis(), TimeUnit.MILLISECONDS);
		}
		Thread.sleep(duration.toMillis());
		simulator.scheduler.shutdownNow();
		for (Device device : fleet) {
			device.leave();
		}
		System.out.printf(
				"devices: sent %d readings, answered %d commands, %d dropouts; e.g. "
						+ "curl -s http://127.0.0.1:8089/devices/%s%n",
				simulator.readings.get(), simulator.commands.get(), simulator.dropouts.get(), fleet.get(0).id);
		// the MQTT client's event loop threads outlive its connections
		System.exit(0);
	}

	private static Duration duration(String text) {
		return text.endsWith("ms") ? Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)))
				: Duration.ofSeconds(Long.parseLong(text.replace("s", "")));
	}

	/** One device: its connection, sequence numbers and readings. */
	private final class Device {

		private final String id;

		private final String topic;

		private final Mqtt5AsyncClient client;

		private long seq;

		private long stateSeq;

		private double temperature;

		private String firmware = "1.0.0";

		private volatile boolean online;

		Device(String id) {
			this.id = id;
			this.topic = DeviceSimulator.this.root + "/" + id;
			this.temperature = 18 + DeviceSimulator.this.random.nextDouble() * 6;
			this.client = Mqtt5Client.builder()
				.identifier(id)
				.serverHost(DeviceSimulator.this.host)
				.serverPort(DeviceSimulator.this.port)
				.buildAsync();
			this.client.publishes(MqttGlobalPublishFilter.ALL, this::command);
		}

		CompletableFuture<?> connect() {
			return this.client.connectWith()
				.cleanStart(false)
				.sessionExpiryInterval(3600)
				.willPublish()
				.topic(this.topic + "/status")
				.qos(MqttQos.AT_LEAST_ONCE)
				.retain(true)
				.payload(bytes("{\"online\":false}"))
				.applyWillPublish()
				.send()
				.thenCompose((ack) -> this.client.subscribeWith()
					.topicFilter(this.topic + "/commands")
					.qos(MqttQos.AT_LEAST_ONCE)
					.send())
				.thenCompose((ack) -> publish("status", "{\"online\":true}", true))
				.thenCompose((ack) -> state())
				.thenRun(() -> this.online = true);
		}

		synchronized void tick() {
			if (!this.online) {
				return;
			}
			if (DeviceSimulator.this.random.nextInt(500) == 0) {
				dropOut(Duration.ofSeconds(3 + DeviceSimulator.this.random.nextInt(5)));
				return;
			}
			this.temperature += DeviceSimulator.this.random.nextGaussian() * 0.3;
			double humidity = 40 + DeviceSimulator.this.random.nextGaussian() * 5;
			Map<String, Object> reading = new LinkedHashMap<>();
			reading.put("seq", ++this.seq);
			reading.put("at", Instant.now().toString());
			reading.put("readings", Map.of("temperature", round(this.temperature), "humidity", round(humidity)));
			publish("telemetry", JSON.writeValueAsString(reading), false);
			DeviceSimulator.this.readings.incrementAndGet();
		}

		/** Gone without a word (Mosquitto publishes the will), back after a while. */
		private void dropOut(Duration away) {
			this.online = false;
			DeviceSimulator.this.dropouts.incrementAndGet();
			this.client.disconnectWith()
				.reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE)
				.send()
				.whenComplete((ignored, failure) -> DeviceSimulator.this.scheduler.schedule(this::connect,
						away.toMillis(), TimeUnit.MILLISECONDS));
		}

		private void command(Mqtt5Publish publish) {
			JsonNode command = JSON.readTree(publish.getPayloadAsBytes());
			String name = command.path("name").asString();
			String status = "SUCCEEDED";
			String detail;
			synchronized (this) {
				switch (name) {
					case "reboot" -> detail = "rebooting";
					case "set-firmware" -> {
						this.firmware = command.path("args").path("version").asString("1.0.0");
						state();
						detail = "firmware " + this.firmware;
					}
					default -> {
						status = "FAILED";
						detail = "unknown command " + name;
					}
				}
			}
			Map<String, String> answer = Map.of("status", status, "detail", detail);
			publish.getResponseTopic()
				.ifPresent((topic) -> this.client.publishWith()
					.topic(topic)
					.correlationData(publish.getCorrelationData().orElse(null))
					.qos(MqttQos.AT_LEAST_ONCE)
					.payload(JSON.writeValueAsBytes(answer))
					.send());
			DeviceSimulator.this.commands.incrementAndGet();
			if (name.equals("reboot")) {
				DeviceSimulator.this.scheduler.schedule(() -> dropOut(Duration.ofSeconds(3)), 100,
						TimeUnit.MILLISECONDS);
			}
		}

		private CompletableFuture<?> state() {
			return publish("state", JSON.writeValueAsString(Map.of("seq", ++this.stateSeq, "firmware", this.firmware,
					"model", "sim-thermo", "bootedAt", Instant.now().toString())), true);
		}

		private CompletableFuture<?> publish(String kind, String payload, boolean retain) {
			return this.client.publishWith()
				.topic(this.topic + "/" + kind)
				.qos(MqttQos.AT_LEAST_ONCE)
				.retain(retain)
				.payload(bytes(payload))
				.send();
		}

		void leave() {
			try {
				this.client.disconnect().get(5, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				// already gone
			}
		}

	}

	private static double round(double value) {
		return Math.round(value * 10) / 10.0;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
