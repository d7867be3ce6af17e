package io.mqlab.recommendation;

import java.util.List;
import java.util.Map;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.mqlab.messaging.contract.LocalBrokers;

/**
 * RabbitMQ as the broker (127.0.0.1:5672, guest/guest); its queues are durable, so
 * removed after.
 */
class RabbitRecommendationServiceTests extends RecommendationServiceTests {

	@Override
	protected String backend() {
		LocalBrokers.requireRabbit();
		return "rabbitmq";
	}

	@Override
	protected Map<String, String> brokerProperties() {
		return Map.of("spring.rabbitmq.host", LocalBrokers.HOST, "spring.rabbitmq.port",
				Integer.toString(LocalBrokers.RABBITMQ_PORT));
	}

	@Override
	protected void removeBrokerState(List<String> topics) {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost(LocalBrokers.HOST);
		factory.setPort(LocalBrokers.RABBITMQ_PORT);
		try (Connection connection = factory.newConnection("mqlab-test-cleanup")) {
			Channel channel = connection.createChannel();
			for (String topic : topics) {
				for (int p = 0; p < 4; p++) {
					channel.queueDelete(topic + ".recommendation." + p);
				}
				channel.queueDelete(topic + ".recommendation.dlq");
				channel.exchangeDelete(topic);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("Cannot remove the test queues", ex);
		}
	}

}
