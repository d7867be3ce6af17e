package io.mqlab.platform.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.mqlab.messaging.contract.LocalBrokers;
import io.mqlab.messaging.contract.TcpProxy;

import static org.awaitility.Awaitility.await;

/**
 * The fault run on the machine's RabbitMQ; the broker restart is {@code rabbitmqctl
 * stop_app} then {@code start_app}, and the app is started again whatever happens.
 */
class RabbitFaultRunCheck extends FaultRunCheck {

	@Override
	protected FaultBroker broker() {
		return new RabbitFaults();
	}

	static final class RabbitFaults extends FaultBroker {

		private volatile boolean stopped;

		@Override
		String backend() {
			return "rabbitmq";
		}

		@Override
		void start(RunNames names, Path dir, List<String> services) {
			LocalBrokers.requireRabbit();
		}

		@Override
		TcpProxy proxyFor(String service) {
			return new TcpProxy(LocalBrokers.RABBITMQ_PORT);
		}

		@Override
		Map<String, String> via(TcpProxy proxy, RunNames names) {
			return Map.of("spring.rabbitmq.host", LocalBrokers.HOST, "spring.rabbitmq.port",
					Integer.toString(proxy.port()));
		}

		@Override
		Map<String, String> direct(RunNames names) {
			return Map.of("spring.rabbitmq.host", LocalBrokers.HOST, "spring.rabbitmq.port",
					Integer.toString(LocalBrokers.RABBITMQ_PORT));
		}

		@Override
		String restart(RunNames names) {
			this.stopped = true;
			try {
				command(180, "rabbitmqctl", "stop_app");
			}
			finally {
				startApp();
			}
			return "RabbitMQ app stopped and started (rabbitmqctl stop_app, start_app)";
		}

		private void startApp() {
			command(300, "rabbitmqctl", "start_app");
			await("RabbitMQ accepts connections").atMost(Duration.ofMinutes(2))
				.pollInterval(Duration.ofMillis(500))
				.ignoreExceptions()
				.until(() -> {
					try (Connection connection = factory().newConnection()) {
						return connection.isOpen();
					}
				});
			this.stopped = false;
		}

		@Override
		void cleanUp(RunNames names) {
			try (Connection connection = factory().newConnection(); Channel channel = connection.createChannel()) {
				for (Map.Entry<String, List<String>> topic : names.topicsAndGroups().entrySet()) {
					for (String group : topic.getValue()) {
						for (int partition = 0; partition < 8; partition++) {
							channel.queueDelete(topic.getKey() + "." + group + "." + partition);
						}
						channel.queueDelete(topic.getKey() + "." + group + ".dlq");
					}
					channel.exchangeDelete(topic.getKey());
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException("Could not remove the run's queues", ex);
			}
		}

		@Override
		public void close() {
			if (this.stopped) {
				startApp();
			}
		}

		private static ConnectionFactory factory() {
			ConnectionFactory factory = new ConnectionFactory();
			factory.setHost(LocalBrokers.HOST);
			factory.setPort(LocalBrokers.RABBITMQ_PORT);
			return factory;
		}

	}

}
