package io.mqlab.cdc;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.mqlab.cdc.capture.CaptureState;
import io.mqlab.messaging.contract.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One capture at a time: two capture-only instances on one catalog, the second waits on
 * the advisory lock; once the first is gone the second takes over from the stored offset
 * (no second snapshot) and captures what was written in between. On the Redis backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CaptureTakeoverTests {

	private static final Duration PATIENCE = Duration.ofSeconds(120);

	private final String run = "t" + UUID.randomUUID().toString().substring(0, 8);

	private final TestBroker broker = TestBroker.of("redis");

	private CatalogDatabase catalog;

	private ConfigurableApplicationContext first;

	private ConfigurableApplicationContext second;

	@BeforeAll
	void startTwo() throws Exception {
		this.catalog = new CatalogDatabase(this.run);
		this.catalog.insert(CatalogDatabase.products("A-", 0, 50));
		this.first = start();
		await().atMost(PATIENCE).until(() -> state(this.first).published() >= 50);
		this.second = start();
	}

	@AfterAll
	void stop() {
		for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { this.second,
				this.first }) {
			if (context != null) {
				context.close();
			}
		}
		try {
			if (this.catalog != null) {
				this.catalog.close();
			}
		}
		finally {
			this.broker.removeState(this.run, Map.of("cdc-" + this.run, "none"));
		}
	}

	@Test
	void theSecondInstanceWaitsAndTakesOverFromTheStoredOffset() throws Exception {
		await().atMost(PATIENCE).until(() -> state(this.second).phase() == CaptureState.Phase.WAITING);
		assertThat(state(this.first).phase()).isEqualTo(CaptureState.Phase.CAPTURING);
		assertThat(state(this.second).published()).isZero();
		long firstLsn = state(this.first).lastLsn();
		this.first.close();
		this.catalog.insert(CatalogDatabase.products("B-", 0, 20));
		await().atMost(PATIENCE).until(() -> state(this.second).phase() == CaptureState.Phase.CAPTURING);
		await().atMost(PATIENCE).until(() -> state(this.second).published() >= 20);
		assertThat(state(this.second).lastLsn()).isGreaterThan(firstLsn);
		// streamed on from the first's offset: no second snapshot of the 50 rows
		assertThat(state(this.second).published()).isLessThan(50);
	}

	private static CaptureState state(ConfigurableApplicationContext context) {
		return context.getBean(CaptureState.class);
	}

	private ConfigurableApplicationContext start() {
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", this.broker.backend());
		args.put("server.port", "0");
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.cdc.topic", "cdc-" + this.run);
		args.put("mqlab.cdc.sinks.cache.enabled", "false");
		args.put("mqlab.cdc.sinks.search.enabled", "false");
		args.put("mqlab.cdc.sinks.replica.enabled", "false");
		args.putAll(TestBroker.redisProperties());
		args.putAll(this.broker.properties(this.run));
		args.putAll(this.catalog.properties());
		return CdcServiceApplication.builder()
			.run(args.entrySet().stream().map((e) -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
	}

}
