package io.mqlab.messaging.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.contract.ContractApplication;
import io.mqlab.messaging.contract.TestBrokers;
import io.mqlab.messaging.contract.Numbered;
import io.mqlab.messaging.contract.Recorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Streams shrink to what some group has not acknowledged or what is within the retention,
 * never below an entry a group still needs; start-up refuses a {@code maxmemory-policy}
 * that could evict the library's keys. One partition per topic, so the stream of a topic
 * is one key.
 */
class RedisStreamTrimTests {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	private static final String PREFIX = "mqlab-trim-" + UUID.randomUUID().toString().substring(0, 8);

	private static LettuceConnectionFactory factory;

	private static StringRedisTemplate redis;

	private final List<ConfigurableApplicationContext> contexts = new CopyOnWriteArrayList<>();

	private String topic;

	@BeforeAll
	static void connect() {
		TestBrokers.redis();
		TestBrokers.postgres();
		factory = new LettuceConnectionFactory(TestBrokers.redis().host(), TestBrokers.redis().port());
		factory.afterPropertiesSet();
		factory.start();
		redis = new StringRedisTemplate(factory);
	}

	@AfterAll
	static void deleteKeys() {
		try {
			List<String> keys = new ArrayList<>();
			try (Cursor<String> cursor = redis
				.scan(ScanOptions.scanOptions().match(PREFIX + ":*").count(1000).build())) {
				cursor.forEachRemaining(keys::add);
			}
			if (!keys.isEmpty()) {
				redis.unlink(keys);
			}
		}
		finally {
			factory.destroy();
		}
	}

	@BeforeEach
	void uniqueTopic() {
		this.topic = "trim-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void whatEveryGroupAcknowledgedIsTrimmed() {
		Messaging messaging = messaging(Map.of());
		Recorder first = new Recorder();
		Recorder second = new Recorder();
		messaging.subscribe(this.topic, "first", Numbered.class, first.handler("first"));
		messaging.subscribe(this.topic, "second", Numbered.class, second.handler("second"));
		publish(messaging, 1, 10);
		await().atMost(PATIENCE).until(() -> first.size() == 10 && second.size() == 10);
		await().atMost(PATIENCE).until(() -> streamLength() == 0);
		assertThat(redis.opsForStream().info(stream()).lastGeneratedId()).isNotEqualTo("0-0");
	}

	@Test
	void aLaggingGroupKeepsItsEntriesUntilItHasReadThem() {
		Messaging messaging = messaging(Map.of());
		messaging.provision(this.topic, "lagging");
		Recorder fast = new Recorder();
		messaging.subscribe(this.topic, "fast", Numbered.class, fast.handler("fast"));
		publish(messaging, 1, 10);
		await().atMost(PATIENCE).until(() -> fast.size() == 10);
		// Several trim passes (every 100 ms) leave them for the group that has not read
		// them.
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> streamLength() == 10);
		Recorder lagging = new Recorder();
		messaging.subscribe(this.topic, "lagging", Numbered.class, lagging.handler("lagging"));
		await().atMost(PATIENCE).until(() -> lagging.distinctKeySeqs().size() == 10);
		assertThat(lagging.orderViolations()).isEmpty();
		await().atMost(PATIENCE).until(() -> streamLength() == 0);
	}

	@Test
	void anEntryDeliveredButNotAcknowledgedStaysWithEverythingAfterIt() throws Exception {
		Messaging messaging = messaging(Map.of());
		CountDownLatch release = new CountDownLatch(1);
		Recorder recorder = new Recorder();
		messaging.subscribe(this.topic, "slow", Numbered.class, (payload, context) -> {
			if (payload.seq() == 5) {
				release.await();
			}
			recorder.record("slow", payload, context);
		});
		publish(messaging, 1, 4);
		await().atMost(PATIENCE).until(() -> recorder.size() == 4);
		await().atMost(PATIENCE).until(() -> streamLength() == 0);
		// 5 held by the handler, 6-10 read with it or not read yet.
		publish(messaging, 5, 10);
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> streamLength() == 6);
		release.countDown();
		await().atMost(PATIENCE).until(() -> recorder.size() == 10);
		await().atMost(PATIENCE).until(() -> streamLength() == 0);
	}

	@Test
	void acknowledgedEntriesStayForTheRetentionSoANewGroupCanReadThem() {
		Messaging messaging = messaging(Map.of("mqlab.messaging.redis.retention", "1h"));
		Recorder first = new Recorder();
		messaging.subscribe(this.topic, "first", Numbered.class, first.handler("first"));
		publish(messaging, 1, 10);
		await().atMost(PATIENCE).until(() -> first.size() == 10);
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> streamLength() == 10);
		Recorder newcomer = new Recorder();
		messaging.subscribe(this.topic, "newcomer", Numbered.class, newcomer.handler("newcomer"));
		await().atMost(PATIENCE).until(() -> newcomer.distinctKeySeqs().size() == 10);
	}

	@Test
	void startupFailsWhenRedisMayEvictTheLibrarysKeys() {
		String previous = policy();
		assertThat(previous).as("the local Redis runs with noeviction").isEqualTo("noeviction");
		try {
			setPolicy("allkeys-lru");
			assertThatThrownBy(() -> messaging(Map.of())).hasStackTraceContaining("maxmemory-policy is 'allkeys-lru'")
				.hasStackTraceContaining("messages lost")
				.hasStackTraceContaining("CONFIG SET maxmemory-policy noeviction");
			setPolicy("volatile-lru");
			assertThatThrownBy(() -> messaging(Map.of())).hasStackTraceContaining("maxmemory-policy is 'volatile-lru'")
				.hasStackTraceContaining("partition leases");
		}
		finally {
			// The local Redis is shared with other test runs: restore at once.
			setPolicy(previous);
		}
		assertThat(messaging(Map.of())).isNotNull();
	}

	private static String policy() {
		return redis.execute(
				(org.springframework.data.redis.connection.RedisConnection connection) -> connection.serverCommands()
					.getConfig("maxmemory-policy")
					.getProperty("maxmemory-policy"));
	}

	private static void setPolicy(String policy) {
		redis.execute((org.springframework.data.redis.connection.RedisConnection connection) -> {
			connection.serverCommands().setConfig("maxmemory-policy", policy);
			return null;
		});
	}

	private void publish(Messaging messaging, int from, int to) {
		for (int i = from; i <= to; i++) {
			messaging.publish(this.topic, "k", new Numbered("k", i));
		}
	}

	private String stream() {
		return PREFIX + ":" + this.topic + ":0";
	}

	private long streamLength() {
		Long size = redis.opsForStream().size(stream());
		return (size != null) ? size : 0;
	}

	private Messaging messaging(Map<String, Object> extra) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.main.banner-mode", "off");
		properties.put("spring.datasource.url", TestBrokers.postgres().jdbcUrl());
		properties.put("spring.datasource.password", TestBrokers.postgres().password());
		properties.put("spring.datasource.username", TestBrokers.postgres().username());
		properties.put("spring.flyway.enabled", false);
		properties.put("mqlab.messaging.backend", "redis");
		properties.put("mqlab.messaging.outbox.relay-enabled", false);
		properties.put("mqlab.messaging.partitions", 1);
		properties.put("mqlab.messaging.visibility-timeout", "3s");
		properties.put("mqlab.messaging.redis.key-prefix", PREFIX);
		properties.put("mqlab.messaging.redis.retention", "0s");
		properties.put("mqlab.messaging.redis.trim-interval", "100ms");
		properties.put("spring.data.redis.host", TestBrokers.redis().host());
		properties.put("spring.data.redis.port", TestBrokers.redis().port());
		properties.putAll(extra);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ContractApplication.class)
			.web(WebApplicationType.NONE)
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context.getBean(Messaging.class);
	}

}
