package io.mqlab.messaging.rabbit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.GetResponse;
import io.mqlab.messaging.DeadLetter;
import io.mqlab.messaging.DeadLetters;
import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.MessageHeaders;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Dead letters live in the durable queue {@code <topic>.<group>.dlq}, one JSON
 * {@link DeadLetter} per message, oldest first. Listing reads them without acknowledging
 * and puts them back in place; replaying sends each original envelope straight to the
 * group's own partition queue (so no other group sees it) and removes the dead letter
 * only once the broker confirmed the replay.
 */
final class RabbitDeadLetters implements DeadLetters {

	private static final Log logger = LogFactory.getLog(RabbitDeadLetters.class);

	private final RabbitTemplate template;

	private final RabbitTopology topology;

	private final Duration confirmTimeout;

	RabbitDeadLetters(RabbitTemplate template, RabbitTopology topology, Duration confirmTimeout) {
		this.template = template;
		this.topology = topology;
		this.confirmTimeout = confirmTimeout;
	}

	/** Returns once the broker confirmed the dead letter on the group's queue. */
	void store(String topic, String group, DeadLetter deadLetter) throws Exception {
		sendConfirmed(this.topology.deadLetterQueue(topic, group), RabbitEnvelopes.toMessage(deadLetter),
				"dead letter of message " + deadLetter.envelope().id());
	}

	@Override
	public List<DeadLetter> list(String topic, String group, int limit) {
		String queue = this.topology.deadLetterQueue(topic, group);
		if (limit <= 0 || this.topology.info(queue) == null) {
			return List.of();
		}
		return this.template.execute((channel) -> {
			List<DeadLetter> deadLetters = new ArrayList<>();
			long last = -1;
			try {
				while (deadLetters.size() < limit) {
					GetResponse response = channel.basicGet(queue, false);
					if (response == null) {
						break;
					}
					last = response.getEnvelope().getDeliveryTag();
					deadLetters.add(RabbitEnvelopes.deadLetter(response.getBody()));
				}
			}
			finally {
				if (last >= 0) {
					// All of them back, each in its original place.
					channel.basicNack(last, true, true);
				}
			}
			return deadLetters;
		});
	}

	@Override
	public int replay(String topic, String group) {
		String queue = this.topology.deadLetterQueue(topic, group);
		QueueInformation info = this.topology.info(queue);
		if (info == null) {
			return 0;
		}
		// Only what is there now: a replay that fails again waits for the next replay.
		long present = info.getMessageCount();
		Integer replayed = this.template.execute((channel) -> {
			int count = 0;
			while (count < present) {
				GetResponse response = channel.basicGet(queue, false);
				if (response == null) {
					break;
				}
				long tag = response.getEnvelope().getDeliveryTag();
				try {
					Envelope envelope = RabbitEnvelopes.deadLetter(response.getBody())
						.envelope()
						.withHeader(MessageHeaders.REPLAY_GROUP, group);
					String target = this.topology.queue(topic, group, this.topology.partition(envelope.key()));
					sendConfirmed(target, RabbitEnvelopes.toMessage(envelope), "replay of message " + envelope.id());
				}
				catch (Exception ex) {
					channel.basicNack(tag, false, true);
					throw ex;
				}
				channel.basicAck(tag, false);
				count++;
			}
			return count;
		});
		logger.info("Replayed " + replayed + " dead letter(s) of topic '" + topic + "' to group '" + group + "'");
		return replayed;
	}

	private void sendConfirmed(String queue, Message message, String what) throws Exception {
		CorrelationData correlation = new CorrelationData();
		this.template.send("", queue, message, correlation);
		CorrelationData.Confirm confirm = correlation.getFuture()
			.get(this.confirmTimeout.toMillis(), TimeUnit.MILLISECONDS);
		if (!confirm.ack()) {
			throw new AmqpException("RabbitMQ did not confirm the " + what + ": " + confirm.reason());
		}
		if (correlation.getReturned() != null) {
			throw new AmqpException("RabbitMQ has no queue '" + queue + "' for the " + what);
		}
	}

}
