package io.mqlab.messaging.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.mqlab.messaging.Backend;
import io.mqlab.messaging.BrokerProbe;
import io.mqlab.messaging.BrokerUnavailableException;
import io.mqlab.messaging.Capability;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.contract.LocalBrokers;
import io.mqlab.messaging.contract.MessagingContractTests;
import io.mqlab.messaging.contract.Numbered;
import io.mqlab.messaging.contract.Recorder;
import io.mqlab.messaging.contract.TcpProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The messaging contract against the local Redis, plus what only this adapter promises: a
 * new group reads the history the streams retain; consumers carry on by themselves after
 * Redis was unreachable for longer than the visibility timeout, and the probe reports the
 * outage within its deadline; start-up fails with a hint when Redis is not there.
 */
class RedisMessagingContractTests extends MessagingContractTests {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private static final Set<String> topics = ConcurrentHashMap.newKeySet();

	@BeforeAll
	static void requireRedis() {
		LocalBrokers.requireRedis();
	}

	@AfterEach
	void rememberTopic() {
		topics.add(this.topic);
	}

	/** Redis keeps the streams until deleted: remove what these tests created. */
	@AfterAll
	static void deleteKeys() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(LocalBrokers.HOST, LocalBrokers.REDIS_PORT);
		factory.afterPropertiesSet();
		factory.start();
		try {
			StringRedisTemplate template = new StringRedisTemplate(factory);
			for (String topic : topics) {
				List<String> keys = new ArrayList<>();
				try (Cursor<String> cursor = template
					.scan(ScanOptions.scanOptions().match("mqlab:" + topic + "*").count(1000).build())) {
					cursor.forEachRemaining(keys::add);
				}
				if (!keys.isEmpty()) {
					template.unlink(keys);
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
		return brokerPropertiesVia(LocalBrokers.REDIS_PORT);
	}

	@Override
	protected int brokerPort() {
		return LocalBrokers.REDIS_PORT;
	}

	@Override
	protected Map<String, Object> brokerPropertiesVia(int proxyPort) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.data.redis.host", LocalBrokers.HOST);
		properties.put("spring.data.redis.port", proxyPort);
		return properties;
	}

	@Override
	protected Set<Capability> expectedCapabilities() {
		return Set.of(Capability.PER_KEY_ORDER, Capability.FAN_OUT, Capability.REPLAY, Capability.RETENTION,
				Capability.BACKLOG);
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
	void startupFailsFastSayingWhatToStartWhenRedisIsNotThere() {
		TcpProxy proxy = new TcpProxy(brokerPort());
		proxy.close();
		assertThatThrownBy(() -> member(brokerPropertiesVia(proxy.port())))
			.isInstanceOf(BrokerUnavailableException.class)
			.hasMessageContaining("127.0.0.1:" + proxy.port())
			.hasMessageContaining("spring.data.redis.host");
	}

}
