package io.mqlab.iot.bridge;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.iot.IotSettings;
import io.mqlab.iot.command.CommandRequested;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.OutgoingMessage;
import io.mqlab.messaging.PayloadTooLargeException;
import io.mqlab.messaging.listener.MessageListenerRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;

/**
 * The one MQTT connection of this instance. Takes the devices' messages from a shared
 * subscription with a persistent session and acknowledges each to Mosquitto only once the
 * messaging backend confirmed it holds what it became: a bridge killed mid-stream gets
 * the rest again when it reconnects with the same client id (the consumers drop the
 * repeats by sequence number). Sends commands to devices, and watches Mosquitto's dropped
 * count.
 * <p>
 * A {@link SmartLifecycle} because the connection must open after the listeners created
 * their groups (RabbitMQ and PostgreSQL keep a message only for the groups that exist)
 * and close before they stop; the client has no Spring integration that would do it.
 */
public class MqttBridge implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(MqttBridge.class);

	static final String DROPPED_TOPIC = "$SYS/broker/publish/messages/dropped";

	/**
	 * Every {@code sys_interval}; Mosquitto publishes the dropped count only once not 0.
	 */
	static final String UPTIME_TOPIC = "$SYS/broker/uptime";

	private final IotSettings.Mqtt mqtt;

	private final Messaging messaging;

	private final DeviceMessages messages;

	private final JsonMapper json;

	private final Clock clock;

	/**
	 * A new client each start: one whose connection was closed with messages received and
	 * not acknowledged keeps them at the head of its in-order acknowledgement queue, and
	 * would never acknowledge anything again.
	 */
	private volatile Mqtt5AsyncClient client;

	private final AtomicLong dropped = new AtomicLong(-1);

	private final Counter forwarded;

	private final Counter rejected;

	private volatile List<ExecutorService> workers = List.of();

	private volatile boolean running;

	MqttBridge(IotSettings settings, Messaging messaging, JsonMapper json, Clock clock, MeterRegistry meters) {
		this.mqtt = settings.mqtt();
		this.messaging = messaging;
		this.messages = new DeviceMessages(settings, json);
		this.json = json;
		this.clock = clock;
		this.forwarded = Counter.builder("mqlab.iot.bridge.forwarded")
			.description("Device messages the backend holds and Mosquitto got the acknowledgement of")
			.register(meters);
		this.rejected = Counter.builder("mqlab.iot.bridge.rejected")
			.description("Device messages rejected with a reason (oversize, malformed, unexpected topic)")
			.register(meters);
		Gauge.builder("mqlab.iot.broker.dropped", this.dropped, AtomicLong::get)
			.description("Mosquitto's $SYS/broker/publish/messages/dropped since it started (-1 until known)")
			.register(meters);
	}

	private Mqtt5AsyncClient newClient() {
		return Mqtt5Client.builder()
			.identifier(this.mqtt.clientId())
			.serverHost(this.mqtt.host())
			.serverPort(this.mqtt.port())
			.automaticReconnect()
			.initialDelay(100, TimeUnit.MILLISECONDS)
			.maxDelay(5, TimeUnit.SECONDS)
			.applyAutomaticReconnect()
			.addConnectedListener((context) -> logger.info("Connected to Mosquitto as " + this.mqtt.clientId()))
			.addDisconnectedListener((context) -> {
				if (this.running) {
					logger.warn("Disconnected from Mosquitto (" + context.getCause().getMessage() + "); reconnecting");
				}
			})
			.buildAsync();
	}

	@Override
	public void start() {
		Mqtt5AsyncClient client = newClient();
		this.client = client;
		this.running = true;
		this.workers = IntStream.range(0, this.mqtt.workers())
			.mapToObj((i) -> Executors.newSingleThreadExecutor((task) -> {
				Thread thread = new Thread(task, "mqtt-bridge-" + i);
				thread.setDaemon(true);
				return thread;
			}))
			.toList();
		// before connecting: a persistent session's queued messages come right after
		// CONNACK
		client.publishes(MqttGlobalPublishFilter.ALL, this::received, true);
		String root = this.mqtt.topicRoot();
		String share = "$share/" + this.mqtt.shareGroup() + "/" + root + "/+/";
		CompletableFuture<?> ready = client.connectWith()
			.cleanStart(false)
			.sessionExpiryInterval(this.mqtt.sessionExpiry().toSeconds())
			.restrictions()
			.receiveMaximum(this.mqtt.receiveMaximum())
			.applyRestrictions()
			.send()
			.thenCompose((connAck) -> client.subscribeWith()
				.addSubscription()
				.topicFilter(share + "telemetry")
				.qos(MqttQos.AT_LEAST_ONCE)
				.applySubscription()
				.addSubscription()
				.topicFilter(share + "state")
				.qos(MqttQos.AT_LEAST_ONCE)
				.applySubscription()
				.addSubscription()
				.topicFilter(share + "status")
				.qos(MqttQos.AT_LEAST_ONCE)
				.applySubscription()
				.addSubscription()
				.topicFilter(share + "commands/+/result")
				.qos(MqttQos.AT_LEAST_ONCE)
				.applySubscription()
				.addSubscription()
				.topicFilter(DROPPED_TOPIC)
				.qos(MqttQos.AT_MOST_ONCE)
				.applySubscription()
				.addSubscription()
				.topicFilter(UPTIME_TOPIC)
				.qos(MqttQos.AT_MOST_ONCE)
				.applySubscription()
				.send());
		try {
			ready.get(this.mqtt.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			// the client keeps trying; health says DOWN until it is connected
			logger.warn("Not connected to Mosquitto at " + this.mqtt.host() + ":" + this.mqtt.port() + " within "
					+ this.mqtt.connectTimeout() + "; retrying in the background: " + ex);
		}
	}

	/** On the client's thread: hands the message to its device's worker, in order. */
	private void received(Mqtt5Publish publish) {
		String topic = publish.getTopic().toString();
		if (topic.equals(DROPPED_TOPIC)) {
			publish.acknowledge();
			watchDropped(new String(publish.getPayloadAsBytes(), StandardCharsets.US_ASCII).trim());
			return;
		}
		if (topic.equals(UPTIME_TOPIC)) {
			publish.acknowledge();
			this.dropped.compareAndSet(-1, 0);
			return;
		}
		List<ExecutorService> workers = this.workers;
		int slot = Math.floorMod(deviceOf(topic).hashCode(), workers.size());
		try {
			// unbounded queue, but Mosquitto sends at most receive-maximum unacknowledged
			// messages
			workers.get(slot).execute(() -> forward(publish, topic));
		}
		catch (RejectedExecutionException ex) {
			// stopping: left unacknowledged, Mosquitto sends it again
		}
	}

	private void forward(Mqtt5Publish publish, String topic) {
		OutgoingMessage message = this.messages.read(topic, publish.getPayloadAsBytes(), this.clock.instant());
		if (message == null) {
			publish.acknowledge();
			return;
		}
		long backoff = 100;
		while (this.running) {
			try {
				this.messaging.publish(message);
				publish.acknowledge();
				if (message.topic().equals(this.messages.rejectedTopic())) {
					this.rejected.increment();
				}
				else {
					this.forwarded.increment();
				}
				return;
			}
			catch (PayloadTooLargeException ex) {
				message = this.messages.rejected(deviceOf(topic), topic, "over the backend's payload limit",
						publish.getPayloadAsBytes(), this.clock.instant());
			}
			catch (RuntimeException ex) {
				// not acknowledged: kept in order here and retried; Mosquitto holds back
				// more
				logger.warn("The backend did not take a message from " + topic + "; retrying in " + backoff + " ms: "
						+ ex.getMessage());
				sleep(backoff);
				backoff = Math.min(backoff * 2, 5000);
			}
		}
	}

	/**
	 * Sends a command to its device with QoS 1: the device answers on the response topic,
	 * and Mosquitto discards it once it expired, also from an offline device's queue.
	 */
	CompletableFuture<Mqtt5PublishResult> send(CommandRequested command, Duration remaining) {
		Mqtt5AsyncClient client = this.client;
		if (client == null || !this.running) {
			return CompletableFuture.failedFuture(new IllegalStateException("The MQTT bridge is not running"));
		}
		String device = this.mqtt.topicRoot() + "/" + command.deviceId();
		Map<String, Object> body = new java.util.LinkedHashMap<>();
		body.put("id", command.commandId());
		body.put("name", command.name());
		body.put("args", command.args());
		return client.publishWith()
			.topic(device + "/commands")
			.qos(MqttQos.AT_LEAST_ONCE)
			.payload(this.json.writeValueAsBytes(body))
			.contentType("application/json")
			.responseTopic(device + "/commands/" + command.commandId() + "/result")
			.correlationData(command.commandId().getBytes(StandardCharsets.UTF_8))
			.messageExpiryInterval(Math.max(1, remaining.toSeconds()))
			.send();
	}

	boolean connected() {
		Mqtt5AsyncClient client = this.client;
		return client != null && client.getState().isConnected();
	}

	/** Mosquitto's count of dropped messages, -1 until known. */
	long dropped() {
		return this.dropped.get();
	}

	private void watchDropped(String value) {
		try {
			long now = Long.parseLong(value);
			long before = this.dropped.getAndSet(now);
			if (before >= 0 && now > before) {
				logger.warn("Mosquitto dropped " + (now - before) + " messages (" + now
						+ " since it started): raise max_queued_messages or speed up the subscribers");
			}
		}
		catch (NumberFormatException ex) {
			logger.debug("Unreadable " + DROPPED_TOPIC + ": " + value);
		}
	}

	private String deviceOf(String topic) {
		String root = this.mqtt.topicRoot() + "/";
		if (!topic.startsWith(root)) {
			return "";
		}
		int end = topic.indexOf('/', root.length());
		return topic.substring(root.length(), (end < 0) ? topic.length() : end);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void stop() {
		this.running = false;
		// queued messages are not forwarded (a worker sees running false): Mosquitto
		// keeps
		// them unacknowledged in the session and sends them again
		for (ExecutorService worker : this.workers) {
			worker.shutdown();
		}
		for (ExecutorService worker : this.workers) {
			try {
				worker.awaitTermination(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		try {
			this.client.disconnect().get(5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			logger.debug("Disconnect from Mosquitto did not complete", ex);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** After the listeners created their groups; stops before they do. */
	@Override
	public int getPhase() {
		return MessageListenerRegistry.PHASE + 1;
	}

}
