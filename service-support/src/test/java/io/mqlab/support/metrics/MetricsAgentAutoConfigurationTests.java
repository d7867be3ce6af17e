package io.mqlab.support.metrics;

import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.autoconfigure.MessagingAutoConfiguration;
import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.messaging.contract.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent runs where the messaging library does, unless turned off; a service without
 * messaging starts without it. The brokers are real (the local Redis); the interval is
 * long, so these contexts publish nothing.
 */
class MetricsAgentAutoConfigurationTests {

	private final String run = "agentcfg" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner withoutMessaging = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAgentAutoConfiguration.class, MetricsAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues("mqlab.metrics.agent.interval=1h");

	private final ApplicationContextRunner withMessaging = this.withoutMessaging
		.withConfiguration(AutoConfigurations.of(MessagingAutoConfiguration.class, DataRedisAutoConfiguration.class,
				JacksonAutoConfiguration.class))
		.withPropertyValues("mqlab.messaging.backend=redis", "mqlab.messaging.redis.key-prefix=" + this.run,
				"mqlab.metrics.agent.topic=metrics-" + this.run, "spring.data.redis.host=" + TestBrokers.redis().host(),
				"spring.data.redis.port=" + TestBrokers.redis().port());

	@Test
	void runsWhereMessagingDoes() {
		this.withMessaging.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(MetricsAgent.class);
			assertThat(context.getBean(MetricsAgent.class).isRunning()).isTrue();
		});
	}

	@Test
	void stopsWithTheContext() {
		MetricsAgent[] agent = new MetricsAgent[1];
		this.withMessaging.run((context) -> agent[0] = context.getBean(MetricsAgent.class));
		assertThat(agent[0].isRunning()).isFalse();
		assertThat(Thread.getAllStackTraces().keySet())
			.noneMatch((thread) -> thread.getName().startsWith("mqlab-metrics-") && thread.isAlive());
	}

	@AfterEach
	void removeKeys() {
		TestBroker.deleteRedisKeys(this.run + "*");
	}

	@Test
	void turnsOnPercentileBucketsForHttpRequests() {
		this.withMessaging.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			Timer timer = Timer.builder(ApplicationMetrics.HTTP_REQUESTS).register(registry);
			assertThat(timer.takeSnapshot().histogramCounts()).isNotEmpty();
		});
	}

	@Test
	void canBeTurnedOff() {
		this.withMessaging.withPropertyValues("mqlab.metrics.agent.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(Messaging.class)
				.doesNotHaveBean(MetricsAgent.class));
	}

	@Test
	void noMessagingBeanNoAgent() {
		this.withoutMessaging.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MetricsAgent.class));
	}

	@Test
	void noMessagingLibraryNoAgent() {
		this.withoutMessaging.withClassLoader(new FilteredClassLoader(Messaging.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MetricsAgent.class));
	}

	@Test
	void aBadSettingFailsStartUpSayingWhichOne() {
		this.withMessaging.withPropertyValues("mqlab.metrics.agent.buffer-size=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("mqlab.metrics.agent.buffer-size");
		});
	}

}
