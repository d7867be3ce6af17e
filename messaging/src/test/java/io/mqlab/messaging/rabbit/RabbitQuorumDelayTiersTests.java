package io.mqlab.messaging.rabbit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.mqlab.messaging.contract.LocalBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The delay tiers on the local RabbitMQ: quorum queues with at-least-once dead-lettering
 * (a broker crash mid-hop loses nothing), that still deliver on time, and that take over
 * from the classic tiers of an earlier version without failing on them or dropping what
 * they hold. Due messages go to a queue of the test's own, bound to the due exchange.
 */
class RabbitQuorumDelayTiersTests {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private final String topic = "tiers-" + UUID.randomUUID();

	private Connection connection;

	private Channel channel;

	@BeforeEach
	void connect() throws Exception {
		LocalBrokers.requireRabbit();
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost(LocalBrokers.HOST);
		factory.setPort(LocalBrokers.RABBITMQ_PORT);
		this.connection = factory.newConnection("mqlab-tiers-test");
		this.channel = this.connection.createChannel();
		this.channel.confirmSelect();
	}

	@AfterEach
	void close() throws Exception {
		this.connection.createChannel().queueDelete(this.topic);
		this.connection.close();
	}

	@Test
	void tierQueuesAreQuorumQueuesWithAtLeastOnceDeadLettering() throws Exception {
		RabbitDelayTiers.declare(this.channel);
		List<String> listed = rabbitmqctl("list_queues", "--quiet", "--no-table-headers", "name", "type", "arguments");
		for (int level = 0; level < RabbitDelayTiers.LEVELS; level++) {
			for (int digit = 1; digit < RabbitDelayTiers.BASE; digit++) {
				String queue = RabbitDelayTiers.queue(level, digit);
				assertThat(listed).as(queue)
					.anySatisfy((line) -> assertThat(line).startsWith(queue + "\tquorum\t")
						.contains("x-dead-letter-strategy", "at-least-once")
						.contains("x-overflow", "reject-publish"));
				// the broker refuses the same queue with another type or strategy
				Map<String, Object> classic = new HashMap<>(RabbitDelayTiers.queueArguments(level, digit));
				classic.put("x-queue-type", "classic");
				assertThatExceptionOfType(IOException.class)
					.isThrownBy(() -> this.connection.createChannel().queueDeclare(queue, true, false, false, classic));
				Map<String, Object> atMostOnce = new HashMap<>(RabbitDelayTiers.queueArguments(level, digit));
				atMostOnce.put("x-dead-letter-strategy", "at-most-once");
				assertThatExceptionOfType(IOException.class).isThrownBy(
						() -> this.connection.createChannel().queueDeclare(queue, true, false, false, atMostOnce));
			}
		}
	}

	@Test
	void deliversThroughTheQuorumTiersNoEarlierThanDue() throws Exception {
		RabbitDelayTiers.declare(this.channel);
		bindTestQueue();
		long sent = System.nanoTime();
		publish(RabbitDelayTiers.entry(1500), RabbitDelayTiers.headers(1500), "late");
		String body = await().atMost(PATIENCE).until(this::next, (next) -> next != null);
		assertThat(body).isEqualTo("late");
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent)).isGreaterThanOrEqualTo(1500);
	}

	@Test
	void takesOverFromTheClassicTiersOfAnEarlierVersion() throws Exception {
		for (int level = 0; level < RabbitDelayTiers.LEVELS; level++) {
			for (int digit = 1; digit < RabbitDelayTiers.BASE; digit++) {
				this.connection.createChannel().queueDelete(classic(digit, level));
			}
		}
		declareClassicTiers();
		bindTestQueue();
		// 3000 ms are 60 units of 50 ms = 3*16 + 3*4: first 2400 ms in the classic queue
		// of
		// level 2 (exchange 800 ms)
		publish(classic(1, 2), RabbitDelayTiers.headers(3000), "held-by-classic");
		assertThat(this.channel.queueDeclarePassive(classic(3, 2)).getMessageCount()).isEqualTo(1);

		// what the new version does at start: no failure on the classic queues
		RabbitDelayTiers.declare(this.channel);
		int left = RabbitDelayTiers.retireClassicTiers(this::attempt);
		assertThat(left).isEqualTo(1);
		// new delayed messages go through the quorum tiers only, once
		publish(RabbitDelayTiers.entry(1000), RabbitDelayTiers.headers(1000), "new");
		assertThat(await().atMost(PATIENCE).until(this::next, (next) -> next != null)).isEqualTo("new");
		// what the classic queue held goes on through the quorum tiers
		assertThat(await().atMost(PATIENCE).until(this::next, (next) -> next != null)).isEqualTo("held-by-classic");
		await().during(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> messages() == 0);

		assertThat(RabbitDelayTiers.retireClassicTiers(this::attempt)).isZero();
		assertThat(attempt((channel) -> channel.queueDeclarePassive(classic(3, 2)))).isFalse();
		assertThat(attempt((channel) -> channel.queueDeclarePassive(classic(1, 0)))).isFalse();
	}

	/** The classic tiers as the earlier version declared them. */
	private void declareClassicTiers() throws IOException {
		this.channel.exchangeDeclare(RabbitDelayTiers.DUE, "headers", true);
		for (int level = 0; level < RabbitDelayTiers.LEVELS; level++) {
			String exchange = classic(1, level);
			String next = (level == 0) ? RabbitDelayTiers.DUE : classic(1, level - 1);
			this.channel.exchangeDeclare(exchange, "headers", true);
			for (int digit = 1; digit < RabbitDelayTiers.BASE; digit++) {
				String queue = classic(digit, level);
				this.channel.queueDeclare(queue, true, false, false,
						Map.of("x-message-ttl", digit * unit(level), "x-dead-letter-exchange", next));
				this.channel.queueBind(queue, exchange, "", match(level, digit));
			}
			this.channel.exchangeBind(next, exchange, "", match(level, 0));
		}
	}

	private static String classic(int digit, int level) {
		return RabbitDelayTiers.CLASSIC_TIERS + (digit * unit(level)) + "ms";
	}

	private static long unit(int level) {
		long unit = RabbitDelayTiers.UNIT_MILLIS;
		for (int i = 0; i < level; i++) {
			unit *= RabbitDelayTiers.BASE;
		}
		return unit;
	}

	private static Map<String, Object> match(int level, int digit) {
		return Map.of("x-match", "all", "mqlab-delay-digit-" + level, Integer.toString(digit));
	}

	private void bindTestQueue() throws IOException {
		this.channel.queueDeclare(this.topic, true, false, false, Map.of());
		this.channel.queueBind(this.topic, RabbitDelayTiers.DUE, "",
				Map.of("x-match", "all", RabbitEnvelopes.TOPIC, this.topic));
	}

	private void publish(String exchange, Map<String, Object> delayHeaders, String body) throws Exception {
		Map<String, Object> headers = new HashMap<>(delayHeaders);
		headers.put(RabbitEnvelopes.TOPIC, this.topic);
		AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().deliveryMode(2).headers(headers).build();
		this.channel.basicPublish(exchange, "0", true, properties, body.getBytes(StandardCharsets.UTF_8));
		this.channel.waitForConfirmsOrDie(10_000);
	}

	private String next() throws IOException {
		GetResponse response = this.channel.basicGet(this.topic, true);
		return (response != null) ? new String(response.getBody(), StandardCharsets.UTF_8) : null;
	}

	private long messages() throws IOException {
		return this.channel.queueDeclarePassive(this.topic).getMessageCount();
	}

	private boolean attempt(RabbitDelayTiers.Operation operation) throws IOException {
		Channel own = this.connection.createChannel();
		try {
			operation.run(own);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
		finally {
			if (own.isOpen()) {
				try {
					own.close();
				}
				catch (Exception ex) {
					// closing is best effort
				}
			}
		}
	}

	private static List<String> rabbitmqctl(String... arguments) throws Exception {
		List<String> command = new java.util.ArrayList<>(List.of("rabbitmqctl"));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		return output.lines().toList();
	}

}
