package io.mqlab.support.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.contract.TcpProxy;
import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.messaging.contract.TestBrokers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker becomes unreachable (a real Redis behind a proxy whose port closes): the
 * agent keeps at most its buffer's batches and counts what it drops, and once the broker
 * is back it sends the kept batches, oldest first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsAgentOutageTests {

	private static final int BUFFER = 3;

	private final String run = "agentout" + UUID.randomUUID().toString().substring(0, 8);

	private final String topic = "metrics-" + this.run;

	private final Queue<MetricsSampled> received = new ConcurrentLinkedQueue<>();

	private TcpProxy proxy;

	private ConfigurableApplicationContext service;

	private MetricsAgent agent;

	@BeforeAll
	void startServiceBehindAProxy() {
		this.proxy = new TcpProxy(TestBrokers.redis().port());
		this.service = new SpringApplicationBuilder(MetricsAgentTests.AgentTestService.class)
			.properties("spring.application.name=agent-outage-test", "server.port=0", "mqlab.messaging.backend=redis",
					"mqlab.messaging.redis.key-prefix=" + this.run, "mqlab.messaging.redis.max-reconnect-delay=200ms",
					"mqlab.messaging.publish-timeout=1s", "mqlab.messaging.partitions=1",
					"spring.data.redis.port=" + this.proxy.port(), "mqlab.metrics.agent.interval=200ms",
					"mqlab.metrics.agent.buffer-size=" + BUFFER, "mqlab.metrics.agent.topic=" + this.topic,
					"agent-test.work-topic=work-" + this.run)
			.run();
		this.agent = this.service.getBean(MetricsAgent.class);
		this.service.getBean(Messaging.class)
			.subscribe(this.topic, "monitoring", MetricsSampled.class, (batch, context) -> this.received.add(batch));
	}

	@AfterAll
	void stop() {
		if (this.service != null) {
			this.service.close();
		}
		if (this.proxy != null) {
			this.proxy.close();
		}
		TestBroker.deleteRedisKeys(this.run + "*");
	}

	@Test
	void keepsTheNewestBatchesWhileTheBrokerIsDownCountsTheDroppedAndSendsTheRestLater() throws Exception {
		await().atMost(Duration.ofSeconds(30)).until(() -> !this.received.isEmpty());
		MeterRegistry registry = this.service.getBean(MeterRegistry.class);

		Instant cut = Instant.now();
		this.proxy.cut();
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			assertThat(this.agent.unsent()).isLessThanOrEqualTo(BUFFER);
			assertThat(registry.get("mqlab.metrics.agent.dropped").counter().count()).isGreaterThanOrEqualTo(3);
		});
		assertThat(this.agent.unsent()).isEqualTo(BUFFER);
		Instant restored = Instant.now();
		this.proxy.restore();

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			List<MetricsSampled> keptDuringTheOutage = this.received.stream()
				.filter((batch) -> batch.at().isAfter(cut.plusMillis(500)) && batch.at().isBefore(restored))
				.toList();
			assertThat(keptDuringTheOutage).hasSizeBetween(1, BUFFER + 1);
			assertThat(this.received).anyMatch((batch) -> batch.at().isAfter(restored) && batch.samples()
				.stream()
				.anyMatch((s) -> s.name().equals("metrics.agent.dropped") && s.value() >= 3));
		});
		assertThat(this.agent.unsent()).isLessThanOrEqualTo(1);
	}

}
