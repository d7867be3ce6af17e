package io.mqlab.iot.bridge;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.mqlab.iot.command.CommandRequested;
import io.mqlab.iot.command.CommandStore;
import io.mqlab.iot.command.CommandStatus;
import io.mqlab.messaging.listener.MessageListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Sends each command from the backend to its device through Mosquitto, once: a command no
 * longer PENDING (a redelivery after it was sent) is left alone, an expired one is marked
 * EXPIRED and never sent. Mosquitto's PUBACK makes it DELIVERED: queued for the device or
 * sent to it.
 */
@Component
@ConditionalOnProperty(name = "mqlab.iot.mqtt.enabled", matchIfMissing = true)
class CommandSender {

	private static final Log logger = LogFactory.getLog(CommandSender.class);

	private final MqttBridge bridge;

	private final CommandStore commands;

	private final Clock clock;

	CommandSender(MqttBridge bridge, CommandStore commands, Clock clock) {
		this.bridge = bridge;
		this.commands = commands;
		this.clock = clock;
	}

	@MessageListener(topic = "${mqlab.iot.topics.commands:iot.commands}",
			group = "${mqlab.iot.bridge-group:iot-bridge}")
	void send(CommandRequested command) throws Exception {
		CommandStatus status = this.commands.status(command.commandId());
		if (status != CommandStatus.PENDING) {
			logger.debug("Command " + command.commandId() + " is " + status + ": not sent");
			return;
		}
		Duration remaining = Duration.between(this.clock.instant(), command.expiresAt());
		if (remaining.toSeconds() < 1) {
			this.commands.transition(command.commandId(), CommandStatus.EXPIRED, null);
			return;
		}
		Mqtt5PublishResult result = this.bridge.send(command, remaining).get(10, TimeUnit.SECONDS);
		if (result.getError().isPresent()) {
			throw new IllegalStateException("Mosquitto did not take command " + command.commandId(),
					result.getError().get());
		}
		boolean noSubscriber = result instanceof Mqtt5PublishResult.Mqtt5Qos1Result qos1
				&& qos1.getPubAck().getReasonCode() == Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS;
		if (noSubscriber) {
			// no session subscribed to the device's commands: nobody would ever get it
			this.commands.transition(command.commandId(), CommandStatus.FAILED,
					"the device has no session subscribed to its commands topic");
			return;
		}
		this.commands.transition(command.commandId(), CommandStatus.DELIVERED, null);
	}

}
