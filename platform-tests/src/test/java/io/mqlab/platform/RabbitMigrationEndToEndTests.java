package io.mqlab.platform;

import java.util.Map;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.mqlab.messaging.contract.LocalBrokers;
import io.mqlab.messaging.contract.TestBrokers;

class RabbitMigrationEndToEndTests extends MigrationEndToEndTests {

	@Override
	protected String backend() {
		TestBrokers.rabbit();
		return "rabbitmq";
	}

	@Override
	protected int brokerPort() {
		return TestBrokers.rabbit().port();
	}

	@Override
	protected Map<String, String> brokerVia(int port, Platform platform) {
		return Map.of("spring.rabbitmq.host", LocalBrokers.HOST, "spring.rabbitmq.port", Integer.toString(port),
				"spring.rabbitmq.username", TestBrokers.rabbit().username(), "spring.rabbitmq.password",
				TestBrokers.rabbit().password());
	}

	@Override
	protected void removeBrokerState(Platform platform) {
		removeState(platform);
	}

	/** What a run left on the broker (the payment-timeout tests use it too). */
	static void removeState(Platform platform) {
		ConnectionFactory factory = new ConnectionFactory();
		TestBrokers.Broker rabbit = TestBrokers.rabbit();
		factory.setHost(rabbit.host());
		factory.setPort(rabbit.port());
		factory.setUsername(rabbit.username());
		factory.setPassword(rabbit.password());
		try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
			platform.topicsAndGroups().forEach((topic, groups) -> {
				for (String group : groups) {
					for (int partition = 0; partition < 8; partition++) {
						delete(channel, topic + "." + group + "." + partition);
					}
					delete(channel, topic + "." + group + ".dlq");
				}
				try {
					channel.exchangeDelete(topic);
				}
				catch (java.io.IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not remove the test's queues", ex);
		}
	}

	private static void delete(Channel channel, String queue) {
		try {
			channel.queueDelete(queue);
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
