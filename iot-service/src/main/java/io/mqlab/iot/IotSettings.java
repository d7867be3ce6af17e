package io.mqlab.iot;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code mqlab.iot}.
 *
 * @param mqtt how the bridge reaches Mosquitto
 * @param topics the messaging backend's topics between the bridge and the consumers
 * @param group the consumers' group on the device topics
 * @param bridgeGroup the bridge's group on the commands topic
 * @param concurrency devices whose telemetry and state each instance applies at once
 * @param keyPrefix prefix of every Redis key this service writes
 * @param maxPayloadBytes a device message over this many bytes is rejected with a reason
 * @param maxReadings most readings in one telemetry message
 * @param maxDevices most devices kept; messages of further devices are rejected
 * @param historySize telemetry messages kept per device (the oldest go first)
 * @param dedupeWindow sequence numbers remembered per device to drop duplicates; an older
 * one counts as a duplicate
 * @param thresholds readings over these limits raise a device alert (name to limit)
 * @param maxCommandTtl the longest command time to live
 * @param commandRetention how long a command is kept after it expired
 * @param stateRebuildTimeout on Kafka, how long start-up reads the devices' last states
 * back from the compacted state topic into Redis at most
 */
@ConfigurationProperties("mqlab.iot")
public record IotSettings(@DefaultValue Mqtt mqtt, @DefaultValue Topics topics, @DefaultValue("iot") String group,
		@DefaultValue("iot-bridge") String bridgeGroup, @DefaultValue("4") int concurrency,
		@DefaultValue("iot") String keyPrefix, @DefaultValue("16384") int maxPayloadBytes,
		@DefaultValue("32") int maxReadings, @DefaultValue("100000") int maxDevices,
		@DefaultValue("200") int historySize, @DefaultValue("1024") int dedupeWindow,
		@DefaultValue("temperature=80") Map<String, Double> thresholds, @DefaultValue("P1D") Duration maxCommandTtl,
		@DefaultValue("P1D") Duration commandRetention, @DefaultValue("60s") Duration stateRebuildTimeout) {

	/**
	 * The bridge's MQTT connection.
	 *
	 * @param enabled whether this instance runs the bridge
	 * @param host Mosquitto's host
	 * @param port Mosquitto's port
	 * @param clientId this bridge instance's client id: stable across restarts, so its
	 * persistent session (and what it had not acknowledged) is found again
	 * @param topicRoot devices publish under {@code <root>/<deviceId>/...}
	 * @param shareGroup the shared subscription's name: instances with the same one split
	 * the devices' messages between them
	 * @param sessionExpiry how long Mosquitto keeps the bridge's session (and queues its
	 * messages) while it is away
	 * @param receiveMaximum unacknowledged messages Mosquitto sends the bridge at once:
	 * the MQTT maximum, because Mosquitto 2.0.11 was seen to overshoot a receive maximum
	 * of 1,000 under load (1,000 devices at full speed), and the HiveMQ client drops the
	 * connection when that happens; what Mosquitto sends beyond what the workers take
	 * waits in memory (small telemetry messages: a few MB at most)
	 * @param workers threads that publish to the backend; a device always goes to the
	 * same one, so its messages stay in order
	 * @param connectTimeout how long start-up waits for the first connection before going
	 * on (the client keeps trying)
	 */
	public record Mqtt(@DefaultValue("true") boolean enabled, @DefaultValue("127.0.0.1") String host,
			@DefaultValue("1883") int port, @DefaultValue("iot-bridge-1") String clientId,
			@DefaultValue("devices") String topicRoot, @DefaultValue("iot") String shareGroup,
			@DefaultValue("1h") Duration sessionExpiry, @DefaultValue("65535") int receiveMaximum,
			@DefaultValue("8") int workers, @DefaultValue("10s") Duration connectTimeout) {

	}

	/**
	 * Backend topics.
	 *
	 * @param telemetry readings, keyed by device id
	 * @param state reported state, keyed by device id
	 * @param status online and offline, keyed by device id
	 * @param results devices' answers to commands, keyed by device id
	 * @param rejected device messages the bridge could not read, with the reason
	 * @param commands commands on their way to the bridge, keyed by device id
	 * @param alerts alerts raised by the threshold checks
	 */
	public record Topics(@DefaultValue("iot.telemetry") String telemetry, @DefaultValue("iot.state") String state,
			@DefaultValue("iot.status") String status, @DefaultValue("iot.command-results") String results,
			@DefaultValue("iot.rejected") String rejected, @DefaultValue("iot.commands") String commands,
			@DefaultValue("iot.alerts") String alerts) {

	}

}
