package io.mqlab.messaging.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.mqlab.messaging.DeadLetters;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.RetrySettings;
import io.mqlab.messaging.SubscriptionSpec;
import io.mqlab.messaging.contract.ContractApplication;
import io.mqlab.messaging.contract.TestBrokers;
import io.mqlab.messaging.contract.Numbered;
import io.mqlab.messaging.contract.Recorder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dead letters stay until replayed, whatever the broker's retention; the replay mark
 * survives the bookkeeping group's offsets expiring; a replay goes a chunk at a time.
 */
class KafkaDeadLetterRetentionTests {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private static final RetrySettings ONCE = new RetrySettings(1, Duration.ofMillis(10), 1.0, Duration.ofMillis(10));

	private static ProxiedKafkaBroker broker;

	private static Admin admin;

	private final List<ConfigurableApplicationContext> contexts = new CopyOnWriteArrayList<>();

	private String topic;

	@BeforeAll
	static void startBroker() {
		TestBrokers.postgres();
		broker = ProxiedKafkaBroker.start();
		admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
	}

	@AfterAll
	static void stopBroker() {
		admin.close();
		broker.close();
	}

	@BeforeEach
	void uniqueTopic() {
		this.topic = "dlt-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void deadLetterTopicsKeepTheirLettersUntilReplayedNewOrExisting() throws Exception {
		// As an earlier version left it: the broker's retention (here 1 day).
		String existing = KafkaClients.deadLetterTopic(this.topic, "existing");
		admin
			.createTopics(List.of(new NewTopic(existing, 1, (short) 1)
				.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(1).toMillis())))))
			.all()
			.get(30, TimeUnit.SECONDS);
		Messaging messaging = messaging(Map.of());
		messaging.provision(this.topic, "existing");
		messaging.provision(this.topic, "fresh");
		assertThat(config(existing, TopicConfig.RETENTION_MS_CONFIG)).isEqualTo("-1");
		assertThat(config(KafkaClients.deadLetterTopic(this.topic, "fresh"), TopicConfig.RETENTION_MS_CONFIG))
			.isEqualTo("-1");
		assertThat(config(existing, TopicConfig.RETENTION_BYTES_CONFIG)).isEqualTo("-1");
		Messaging configured = messaging(Map.of("mqlab.messaging.kafka.dead-letter-retention", "5d"));
		configured.provision(this.topic, "configured");
		assertThat(config(KafkaClients.deadLetterTopic(this.topic, "configured"), TopicConfig.RETENTION_MS_CONFIG))
			.isEqualTo(Long.toString(Duration.ofDays(5).toMillis()));
	}

	@Test
	void theReplayMarkOutlivesTheBookkeepingGroupsOffsets() throws Exception {
		Messaging messaging = messaging(Map.of());
		Recorder recorder = new Recorder();
		deadLetterThree(messaging, "failing", recorder);
		assertThat(messaging.deadLetters().replay(this.topic, "failing")).isEqualTo(3);
		await().atMost(PATIENCE).until(() -> recorder.distinctKeySeqs().size() == 3);
		// As when offsets.retention.minutes passed with the group idle.
		admin.deleteConsumerGroups(List.of(KafkaClients.replayedGroup("failing"))).all().get(30, TimeUnit.SECONDS);
		assertThat(messaging.deadLetters().list(this.topic, "failing", 10)).isEmpty();
		assertThat(messaging.deadLetters().replay(this.topic, "failing")).isZero();
		TopicPartition deadLetters = new TopicPartition(KafkaClients.deadLetterTopic(this.topic, "failing"), 0);
		assertThat(admin.listOffsets(Map.of(deadLetters, OffsetSpec.earliest()))
			.partitionResult(deadLetters)
			.get(30, TimeUnit.SECONDS)
			.offset()).as("replayed dead letters are deleted").isEqualTo(3);
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> recorder.size() == 3);
	}

	@Test
	void aReplayGoesAChunkAtATime() {
		ConfigurableApplicationContext context = context(Map.of());
		Messaging messaging = context.getBean(Messaging.class);
		AtomicBoolean fixed = new AtomicBoolean();
		Recorder recorder = new Recorder();
		messaging.subscribe(new SubscriptionSpec(this.topic, "chunked", 1), Numbered.class, ONCE,
				(payload, handled) -> {
					if (!fixed.get()) {
						throw new IllegalStateException("not yet");
					}
					recorder.record("chunked", payload, handled);
				});
		for (int i = 1; i <= 5; i++) {
			messaging.publish(this.topic, "k" + i, new Numbered("k" + i, 1));
		}
		await().atMost(PATIENCE).until(() -> messaging.deadLetters().list(this.topic, "chunked", 10).size() == 5);
		fixed.set(true);
		KafkaDeadLetters deadLetters = (KafkaDeadLetters) context.getBean(DeadLetters.class);
		assertThat(deadLetters.replayInChunks(this.topic, "chunked", 2)).isEqualTo(new KafkaDeadLetters.Replayed(5, 3));
		await().atMost(PATIENCE).until(() -> recorder.distinctKeySeqs().size() == 5);
		assertThat(messaging.deadLetters().list(this.topic, "chunked", 10)).isEmpty();
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> recorder.size() == 5);
	}

	private void deadLetterThree(Messaging messaging, String group, Recorder recorder) {
		AtomicBoolean fixed = new AtomicBoolean();
		messaging.subscribe(new SubscriptionSpec(this.topic, group, 1), Numbered.class, ONCE, (payload, context) -> {
			if (!fixed.get()) {
				throw new IllegalStateException("not yet");
			}
			recorder.record(group, payload, context);
		});
		for (int i = 1; i <= 3; i++) {
			messaging.publish(this.topic, "k" + i, new Numbered("k" + i, 1));
		}
		await().atMost(PATIENCE).until(() -> messaging.deadLetters().list(this.topic, group, 10).size() == 3);
		fixed.set(true);
	}

	private static String config(String topic, String name) throws Exception {
		ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
		return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource).get(name).value();
	}

	private Messaging messaging(Map<String, Object> extra) {
		return context(extra).getBean(Messaging.class);
	}

	private ConfigurableApplicationContext context(Map<String, Object> extra) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.main.banner-mode", "off");
		properties.put("spring.datasource.url", TestBrokers.postgres().jdbcUrl());
		properties.put("spring.datasource.password", TestBrokers.postgres().password());
		properties.put("spring.datasource.username", TestBrokers.postgres().username());
		properties.put("spring.flyway.enabled", false);
		properties.put("mqlab.messaging.backend", "kafka");
		properties.put("mqlab.messaging.outbox.relay-enabled", false);
		properties.put("mqlab.messaging.partitions", 2);
		properties.put("spring.kafka.bootstrap-servers", broker.bootstrapServers());
		properties.put("logging.level.kafka", "WARN");
		properties.put("logging.level.org.apache.kafka", "WARN");
		properties.put("logging.level.state.change.logger", "WARN");
		properties.putAll(extra);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ContractApplication.class)
			.web(WebApplicationType.NONE)
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

}
