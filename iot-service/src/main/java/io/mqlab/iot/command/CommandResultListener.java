package io.mqlab.iot.command;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.listener.MessageListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Devices' answers to commands: the first one decides SUCCEEDED or FAILED, later ones are
 * counted and change nothing; an answer about another device's command is ignored.
 */
@Component
class CommandResultListener {

	private static final Log logger = LogFactory.getLog(CommandResultListener.class);

	private final CommandStore commands;

	private final MeterRegistry meters;

	CommandResultListener(CommandStore commands, MeterRegistry meters) {
		this.commands = commands;
		this.meters = meters;
	}

	@MessageListener(topic = "${mqlab.iot.topics.results:iot.command-results}", group = "${mqlab.iot.group:iot}")
	void on(CommandAnswered answer) {
		String device = this.commands.deviceOf(answer.commandId());
		String outcome;
		if (!answer.deviceId().equals(device)) {
			logger.warn("Device " + answer.deviceId() + " answered unknown command " + answer.commandId());
			outcome = "unknown";
		}
		else {
			outcome = this.commands.transition(answer.commandId(),
					answer.succeeded() ? CommandStatus.SUCCEEDED : CommandStatus.FAILED, answer.detail()) ? "applied"
							: "ignored";
		}
		this.meters.counter("mqlab.iot.command.answers", "outcome", outcome).increment();
	}

}
