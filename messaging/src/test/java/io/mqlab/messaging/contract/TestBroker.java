package io.mqlab.messaging.contract;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import io.mqlab.messaging.kafka.ProxiedKafkaBroker;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * One backend for the tests and the benchmark: how an instance reaches it, and how a run
 * removes what it left there. Kafka is an in-JVM broker of its own; the others are the
 * machine's, shared with other test runs, so everything is named after the run. Where a
 * Docker engine runs, all are the run's containers instead ({@link TestBrokers}).
 */
public interface TestBroker extends AutoCloseable {

	String backend();

	/** Properties that connect an instance to the broker, for one run. */
	Map<String, String> properties(String run);

	/** Removes a run's topics and groups from a broker that outlives the JVM. */
	void removeState(String run, Map<String, String> topicsAndGroups);

	@Override
	default void close() {
	}

	static TestBroker of(String backend) {
		return switch (backend) {
			case "kafka" -> new Kafka();
			case "rabbitmq" -> new Rabbit();
			case "redis" -> new Redis();
			case "postgres" -> new Postgres();
			default -> throw new IllegalArgumentException("Unknown backend " + backend);
		};
	}

	/** The Redis a service keeps its own state in (aggregates, rollups, last values). */
	static Map<String, String> redisProperties() {
		TestBrokers.Broker redis = TestBrokers.redis();
		return Map.of("spring.data.redis.host", redis.host(), "spring.data.redis.port", Integer.toString(redis.port()));
	}

	/** Deletes the test Redis's keys that match. */
	static void deleteRedisKeys(String pattern) {
		TestBrokers.Broker redis = TestBrokers.redis();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(redis.host(), redis.port());
		factory.afterPropertiesSet();
		factory.start();
		try {
			StringRedisTemplate template = new StringRedisTemplate(factory);
			List<String> keys = new ArrayList<>();
			try (Cursor<String> cursor = template.scan(ScanOptions.scanOptions().match(pattern).count(1000).build())) {
				cursor.forEachRemaining(keys::add);
			}
			if (!keys.isEmpty()) {
				template.unlink(keys);
			}
		}
		finally {
			factory.destroy();
		}
	}

	/**
	 * An in-JVM KRaft broker (or the run's container), started on first use and gone with
	 * {@link #close()}.
	 */
	final class Kafka implements TestBroker {

		private ProxiedKafkaBroker broker;

		@Override
		public String backend() {
			return "kafka";
		}

		@Override
		public synchronized Map<String, String> properties(String run) {
			if (this.broker == null) {
				this.broker = ProxiedKafkaBroker.start();
			}
			return Map.of("spring.kafka.bootstrap-servers", this.broker.bootstrapServers());
		}

		@Override
		public void removeState(String run, Map<String, String> topicsAndGroups) {
		}

		@Override
		public synchronized void close() {
			if (this.broker != null) {
				this.broker.close();
				this.broker = null;
			}
		}

	}

	/** The local RabbitMQ (guest/guest); its queues are durable, so deleted after. */
	final class Rabbit implements TestBroker {

		@Override
		public String backend() {
			return "rabbitmq";
		}

		@Override
		public Map<String, String> properties(String run) {
			TestBrokers.Broker rabbit = TestBrokers.rabbit();
			return Map.of("spring.rabbitmq.host", rabbit.host(), "spring.rabbitmq.port",
					Integer.toString(rabbit.port()), "spring.rabbitmq.username", rabbit.username(),
					"spring.rabbitmq.password", rabbit.password());
		}

		@Override
		public void removeState(String run, Map<String, String> topicsAndGroups) {
			ConnectionFactory factory = new ConnectionFactory();
			TestBrokers.Broker rabbit = TestBrokers.rabbit();
			factory.setHost(rabbit.host());
			factory.setPort(rabbit.port());
			factory.setUsername(rabbit.username());
			factory.setPassword(rabbit.password());
			try (com.rabbitmq.client.Connection connection = factory.newConnection("mqlab-test-cleanup")) {
				Channel channel = connection.createChannel();
				for (Map.Entry<String, String> topic : topicsAndGroups.entrySet()) {
					String queue = topic.getKey() + "." + topic.getValue() + ".";
					for (int p = 0; p < 4; p++) {
						channel.queueDelete(queue + p);
					}
					channel.queueDelete(queue + "dlq");
					channel.exchangeDelete(topic.getKey());
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException("Cannot remove the test queues", ex);
			}
		}

	}

	/** The local Redis as the broker too: the streams are keys of the run's topics. */
	final class Redis implements TestBroker {

		@Override
		public String backend() {
			return "redis";
		}

		@Override
		public Map<String, String> properties(String run) {
			return redisProperties();
		}

		@Override
		public void removeState(String run, Map<String, String> topicsAndGroups) {
			for (String topic : topicsAndGroups.keySet()) {
				deleteRedisKeys("mqlab:" + topic + "*");
			}
		}

	}

	/** The local PostgreSQL: the queue in a schema of the run's own, dropped after. */
	final class Postgres implements TestBroker {

		@Override
		public String backend() {
			return "postgres";
		}

		@Override
		public Map<String, String> properties(String run) {
			TestBrokers.Broker postgres = TestBrokers.postgres();
			execute("CREATE SCHEMA IF NOT EXISTS " + run + "_queue");
			return Map.of("mqlab.messaging.postgres.url", postgres.jdbcUrl(run + "_queue"),
					"mqlab.messaging.postgres.username", postgres.username(), "mqlab.messaging.postgres.password",
					postgres.password());
		}

		@Override
		public void removeState(String run, Map<String, String> topicsAndGroups) {
			execute("DROP SCHEMA IF EXISTS " + run + "_queue CASCADE");
		}

		private static void execute(String sql) {
			TestBrokers.Broker postgres = TestBrokers.postgres();
			try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(),
					postgres.password())) {
				connection.createStatement().execute(sql);
			}
			catch (SQLException ex) {
				throw new IllegalStateException(sql, ex);
			}
		}

	}

}
