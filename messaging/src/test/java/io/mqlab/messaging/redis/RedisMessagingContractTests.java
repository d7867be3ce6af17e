package io.mqlab.messaging.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.mqlab.messaging.Backend;
import io.mqlab.messaging.BrokerProbe;
import io.mqlab.messaging.BrokerUnavailableException;
import io.mqlab.messaging.Capability;
import io.mqlab.messaging.Delay;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.OutgoingMessage;
import io.mqlab.messaging.contract.LocalBrokers;
import io.mqlab.messaging.contract.TestBrokers;
import io.mqlab.messaging.contract.MessagingContractTests;
import io.mqlab.messaging.contract.Numbered;
import io.mqlab.messaging.contract.Recorder;
import io.mqlab.messaging.contract.TcpProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The messaging contract against the local Redis, plus what only this adapter promises: a
 * new group reads the history the streams retain; consumers carry on by themselves after
 * Redis was unreachable for longer than the visibility timeout, and the probe reports the
 * outage within its deadline; start-up fails with a hint when Redis is not there; a
 * delayed message waits in its partition's sorted set until due, and several instances'
 * movers move each one exactly once.
 */
class RedisMessagingContractTests extends MessagingContractTests {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private static final Set<String> topics = ConcurrentHashMap.newKeySet();

	private static final String REGISTRY = "mqlab:delayed";

	private static final int PARTITIONS = 8;

	private static LettuceConnectionFactory factory;

	private static StringRedisTemplate redis;

	@BeforeAll
	static void requireRedis() {
		factory = new LettuceConnectionFactory(TestBrokers.redis().host(), TestBrokers.redis().port());
		factory.afterPropertiesSet();
		factory.start();
		redis = new StringRedisTemplate(factory);
	}

	@AfterEach
	void rememberTopic() {
		topics.add(this.topic);
	}

	/**
	 * Redis keeps the streams and delayed sets until deleted: remove what these tests
	 * created, and their delayed sets from the shared registry.
	 */
	@AfterAll
	static void deleteKeys() {
		try {
			for (String topic : topics) {
				String pattern = "mqlab:" + topic + "*";
				List<String> keys = new ArrayList<>();
				try (Cursor<String> cursor = redis.scan(ScanOptions.scanOptions().match(pattern).count(1000).build())) {
					cursor.forEachRemaining(keys::add);
				}
				if (!keys.isEmpty()) {
					redis.unlink(keys);
				}
				List<String> registered = new ArrayList<>();
				try (Cursor<ZSetOperations.TypedTuple<String>> cursor = redis.opsForZSet()
					.scan(REGISTRY, ScanOptions.scanOptions().match(pattern).count(1000).build())) {
					cursor.forEachRemaining((tuple) -> registered.add(tuple.getValue()));
				}
				if (!registered.isEmpty()) {
					redis.opsForZSet().remove(REGISTRY, registered.toArray());
				}
			}
		}
		finally {
			factory.destroy();
		}
	}

	@Override
	protected Backend backend() {
		return Backend.REDIS;
	}

	@Override
	protected Map<String, Object> brokerProperties() {
		return properties(TestBrokers.redis().host(), TestBrokers.redis().port());
	}

	@Override
	protected int brokerPort() {
		return TestBrokers.redis().port();
	}

	@Override
	protected Map<String, Object> brokerPropertiesVia(int proxyPort) {
		return properties(LocalBrokers.HOST, proxyPort);
	}

	private static Map<String, Object> properties(String host, int port) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.data.redis.host", host);
		properties.put("spring.data.redis.port", port);
		return properties;
	}

	@Override
	protected Set<Capability> expectedCapabilities() {
		return Set.of(Capability.PER_KEY_ORDER, Capability.FAN_OUT, Capability.REPLAY, Capability.RETENTION,
				Capability.BACKLOG, Capability.DELAYED_DELIVERY, Capability.BATCHES);
	}

	@Test
	void aNewGroupReadsWhatWasPublishedBeforeItExisted() {
		Messaging messaging = messaging(member());
		for (int i = 1; i <= 5; i++) {
			messaging.publish(this.topic, "k", new Numbered("k", i));
		}
		Recorder recorder = new Recorder();
		messaging.subscribe(this.topic, "newcomer", Numbered.class, recorder.handler("newcomer"));
		await().atMost(PATIENCE).until(() -> recorder.size() == 5);
		assertThat(recorder.orderViolations()).isEmpty();
		assertThat(recorder.unexplainedDuplicates()).isEmpty();
	}

	@Test
	void aSubscriptionCarriesOnAfterRedisWasUnreachableLongerThanTheVisibilityTimeout() {
		try (TcpProxy proxy = new TcpProxy(brokerPort())) {
			ConfigurableApplicationContext consumerContext = member(brokerPropertiesVia(proxy.port()));
			Messaging consumer = messaging(consumerContext);
			// Commands time out with the publish timeout, not Lettuce's 60 s.
			assertThat(consumerContext.getBean(LettuceConnectionFactory.class).getTimeout()).isEqualTo(10_000);
			Messaging publisher = messaging(member());
			Recorder recorder = new Recorder();
			consumer.subscribe(this.topic, "outage", Numbered.class, recorder.handler("consumer"));
			publisher.publish(this.topic, "k", new Numbered("k", 1));
			await().atMost(PATIENCE).until(() -> recorder.size() == 1);
			proxy.cut();
			long checking = System.nanoTime();
			assertThatThrownBy(consumerContext.getBean(BrokerProbe.class)::check).isNotNull();
			assertThat(Duration.ofNanos(System.nanoTime() - checking)).isLessThan(Duration.ofSeconds(3));
			for (int i = 2; i <= 5; i++) {
				publisher.publish(this.topic, "k", new Numbered("k", i));
			}
			// Longer than the visibility timeout (3 s): the consumer's leases expire.
			await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> recorder.size() == 1);
			proxy.restore();
			await().atMost(PATIENCE).until(() -> recorder.distinctKeySeqs().size() == 5);
			assertThat(recorder.orderViolations()).isEmpty();
			assertThat(recorder.unexplainedDuplicates()).isEmpty();
			consumerContext.close();
		}
	}

	@Test
	void aDelayedMessageWaitsInTheSortedSetOfItsPartitionUntilDue() {
		Messaging messaging = messaging(member());
		Instant due = Instant.now().plusSeconds(3);
		messaging.deliverAt(this.topic, "k", new Numbered("k", 1), due);
		assertThat(delayedCount()).isEqualTo(1);
		assertThat(streamLength()).isZero();
		String set = delayedSets().get(0);
		// Scored by the Redis clock plus the wait left: the same host's clock, a little
		// later.
		assertThat(redis.opsForZSet().score(REGISTRY, set)).isBetween((double) due.toEpochMilli(),
				(double) due.toEpochMilli() + 1000);
		await().atMost(PATIENCE).until(() -> streamLength() == 1);
		assertThat(Instant.now()).isAfterOrEqualTo(due);
		assertThat(delayedCount()).isZero();
		assertThat(redis.hasKey(set)).isFalse();
		assertThat(redis.opsForZSet().score(REGISTRY, set)).as("an empty set leaves the registry").isNull();
	}

	@Test
	void severalInstancesMoveEachDelayedMessageExactlyOnce() {
		List<Messaging> instances = List.of(messaging(member()), messaging(member()), messaging(member()));
		Random random = new Random(7);
		int perInstance = 1000;
		for (Messaging instance : instances) {
			List<OutgoingMessage> batch = new ArrayList<>();
			for (int i = 0; i < perInstance; i++) {
				String key = "k" + random.nextInt(50);
				batch.add(OutgoingMessage.of(this.topic, key, new Numbered(key, i))
					.withDelay(Delay.of(Duration.ofMillis(random.nextInt(2000)))));
			}
			instance.publishAll(batch);
		}
		await().atMost(PATIENCE).until(() -> delayedCount() == 0);
		Set<String> ids = new HashSet<>();
		long entries = 0;
		for (int p = 0; p < PARTITIONS; p++) {
			List<MapRecord<String, Object, Object>> records = redis.opsForStream()
				.range(this.stream(p), Range.unbounded());
			entries += records.size();
			records.forEach((record) -> ids.add((String) record.getValue().get("id")));
		}
		assertThat(entries).isEqualTo(3L * perInstance);
		assertThat(ids).hasSize(3 * perInstance);
	}

	private String stream(int partition) {
		return "mqlab:" + this.topic + ":" + partition;
	}

	private List<String> delayedSets() {
		List<String> sets = new ArrayList<>();
		for (int p = 0; p < PARTITIONS; p++) {
			if (Boolean.TRUE.equals(redis.hasKey(stream(p) + ":delayed"))) {
				sets.add(stream(p) + ":delayed");
			}
		}
		return sets;
	}

	private long delayedCount() {
		long count = 0;
		for (int p = 0; p < PARTITIONS; p++) {
			Long size = redis.opsForZSet().zCard(stream(p) + ":delayed");
			count += (size != null) ? size : 0;
		}
		return count;
	}

	private long streamLength() {
		long length = 0;
		for (int p = 0; p < PARTITIONS; p++) {
			Long size = redis.opsForStream().size(stream(p));
			length += (size != null) ? size : 0;
		}
		return length;
	}

	@Test
	void startupFailsFastSayingWhatToStartWhenRedisIsNotThere() {
		TcpProxy proxy = new TcpProxy(brokerPort());
		proxy.close();
		assertThatThrownBy(() -> member(brokerPropertiesVia(proxy.port())))
			.isInstanceOf(BrokerUnavailableException.class)
			.hasMessageContaining("127.0.0.1:" + proxy.port())
			.hasMessageContaining("spring.data.redis.host");
	}

}
