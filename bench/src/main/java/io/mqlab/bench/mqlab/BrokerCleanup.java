package io.mqlab.bench.mqlab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.mqlab.bench.Progress;
import io.mqlab.messaging.Backend;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Removes what a run left on the shared brokers (durable queues, streams, topics, rows),
 * so runs do not pile up. Best effort: a failure is reported, never fatal. It knows the
 * adapters' naming (their tests clean up the same way).
 */
public final class BrokerCleanup {

	private BrokerCleanup() {
	}

	public static void clean(Backend backend, ConfigurableApplicationContext context, String topic, String group,
			int partitions) {
		try {
			switch (backend) {
				case KAFKA -> kafka(context, topic, group);
				case RABBITMQ -> rabbit(context, topic, group, partitions);
				case REDIS -> redis(context, topic);
				case POSTGRES -> postgres(context, topic);
			}
		}
		catch (RuntimeException ex) {
			Progress.say(backend.id(), "could not clean up " + topic + ": " + ex);
		}
	}

	private static void kafka(ConfigurableApplicationContext context, String topic, String group) {
		kafka(context.getEnvironment().getRequiredProperty("spring.kafka.bootstrap-servers"), topic, group);
	}

	/** Deletes a Kafka topic with its dead letters and delay tiers. */
	public static void kafka(String bootstrap, String topic, String group) {
		Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
		try {
			// The topic, its dead letters and its delay tiers
			// (<topic>.mqlab-delay-<hold>).
			List<String> doomed = admin.listTopics()
				.names()
				.get(10, TimeUnit.SECONDS)
				.stream()
				.filter((name) -> name.equals(topic) || name.equals(topic + "." + group + ".dlt")
						|| name.startsWith(topic + ".mqlab-delay-"))
				.toList();
			admin.deleteTopics(doomed).all().get(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException(ex.getCause() != null ? ex.getCause() : ex);
		}
		finally {
			admin.close(Duration.ofSeconds(5));
		}
	}

	private static void rabbit(ConfigurableApplicationContext context, String topic, String group, int partitions) {
		try (Connection connection = context.getBean(ConnectionFactory.class).createConnection()) {
			com.rabbitmq.client.Channel channel = connection.createChannel(false);
			for (int p = 0; p < partitions; p++) {
				channel.queueDelete(topic + "." + group + "." + p);
			}
			channel.queueDelete(topic + "." + group + ".dlq");
			channel.exchangeDelete(topic);
			channel.close();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void redis(ConfigurableApplicationContext context, String topic) {
		String prefix = context.getEnvironment().getProperty("mqlab.messaging.redis.key-prefix", "mqlab");
		StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
		List<String> keys = new ArrayList<>();
		try (Cursor<String> cursor = template
			.scan(ScanOptions.scanOptions().match(prefix + ":" + topic + ":*").count(1000).build())) {
			cursor.forEachRemaining(keys::add);
		}
		if (!keys.isEmpty()) {
			template.unlink(keys);
		}
	}

	private static void postgres(ConfigurableApplicationContext context, String topic) {
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		for (String table : List.of("mqlab_delivery", "mqlab_dead_letter", "mqlab_message", "mqlab_subscription")) {
			jdbc.update("DELETE FROM " + table + " WHERE topic = ?", topic);
		}
	}

}
