package io.mqlab.cdc;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.mqlab.cdc.capture.CaptureState;
import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.support.Http;
import io.mqlab.support.ServiceJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sinks killed hard on their own while the capture goes on, on the Redis backend
 * (another with {@code -Dmqlab.test.sink-kill.backend}). The capture runs in this JVM
 * with every sink off; the sinks run in a child JVM with the capture off. While
 * single-row updates, inserts and deletes go on, the sinks' JVM gets a SIGKILL mid-stream
 * (what it had in hand unacknowledged); a new sinks' JVM takes their partitions over once
 * the leases lapse and reads what the dead one held first. Afterwards the cache, the
 * index and the replica equal the source row by row: nothing lost, and what was applied
 * twice rolled nothing back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SinkKillTests {

	private static final Duration PATIENCE = Duration.ofSeconds(120);

	private final String run = "s" + UUID.randomUUID().toString().substring(0, 8);

	// one backend in the default suite; -Dmqlab.test.sink-kill.backend=kafka (or
	// rabbitmq,
	// postgres) runs it on another
	private final TestBroker broker = TestBroker.of(System.getProperty("mqlab.test.sink-kill.backend", "redis"));

	private final List<ServiceJvm> children = new ArrayList<>();

	private CatalogDatabase catalog;

	private ConfigurableApplicationContext capture;

	@BeforeAll
	void createTheCatalog() throws Exception {
		this.catalog = new CatalogDatabase(this.run);
		this.catalog.insert(CatalogDatabase.products("S-", 0, 200));
	}

	@AfterAll
	void stopAndClean() throws InterruptedException {
		for (ServiceJvm child : this.children) {
			child.close();
		}
		try {
			if (this.capture != null) {
				this.capture.close();
			}
			if (this.catalog != null) {
				this.catalog.close();
			}
		}
		finally {
			TestSinks.removeRun(this.broker, this.run);
		}
	}

	@Test
	void sinksKilledMidStreamWhileTheCaptureGoesOnLoseNothingAndRollNothingBack() throws Exception {
		Map<String, String> captureOnly = args();
		captureOnly.put("server.port", "0");
		for (String sink : List.of("cache", "search", "replica")) {
			captureOnly.put("mqlab.cdc.sinks." + sink + ".enabled", "false");
		}
		this.capture = CdcServiceApplication.builder()
			.run(captureOnly.entrySet()
				.stream()
				.map((e) -> "--" + e.getKey() + "=" + e.getValue())
				.toArray(String[]::new));
		CaptureState state = this.capture.getBean(CaptureState.class);
		Sinks victim = startSinks("victim");
		await().atMost(PATIENCE)
			.pollInterval(Duration.ofMillis(250))
			.ignoreExceptions()
			.until(() -> state.published() >= 200 && victim.appliedByEach() >= 200);

		AtomicBoolean writing = new AtomicBoolean(true);
		AtomicInteger written = new AtomicInteger();
		CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> write(writing, written));
		Sinks successor;
		try {
			// mid-stream: the sinks have applied some of the writes, and more are coming
			long before = victim.appliedByEach();
			await().atMost(PATIENCE)
				.pollInterval(Duration.ofMillis(100))
				.ignoreExceptions()
				.until(() -> victim.appliedByEach() > before + 100);
			victim.jvm().kill();
			long publishedAtKill = state.published();
			successor = startSinks("successor");
			await().atMost(PATIENCE).until(() -> state.published() > publishedAtKill + 150);
		}
		finally {
			writing.set(false);
			writes.join();
		}

		JsonNode report = await().atMost(PATIENCE)
			.pollInterval(Duration.ofMillis(500))
			.ignoreExceptions()
			.until(() -> successor.api().get("/cdc/consistency").body(),
					(answer) -> answer.path("consistent").asBoolean(false));
		assertThat(report.get("sourceRows").asLong()).isEqualTo(this.catalog.rows().size());
		for (String sink : List.of("cache", "search", "replica")) {
			assertThat(report.get("sinks").get(sink).get("equal").asLong()).as(sink)
				.isEqualTo(report.get("sourceRows").asLong());
		}
		JsonNode status = successor.api().get("/cdc/status").body();
		System.out.printf("%d changes written, %d published; the successor's sinks: %s%n", written.get(),
				state.published(),
				status.get("sinks")
					.valueStream()
					.map((sink) -> sink.get("name").asString() + " applied=" + sink.path("applied").asLong() + " stale="
							+ sink.path("stale").asLong())
					.toList());
	}

	/** Single-row changes, about 200 a second, until told to stop. */
	private void write(AtomicBoolean writing, AtomicInteger written) {
		try (Connection connection = this.catalog.connect()) {
			for (int i = 0; writing.get(); i++) {
				String sku = "S-" + (i % 200);
				switch (i % 4) {
					case 0, 1 -> this.catalog.updatePrice(connection, sku, BigDecimal.valueOf(100 + i, 2));
					case 2 -> this.catalog.insert(List.of(CatalogDatabase.product("T-" + i, i)));
					default -> this.catalog.updateText(connection, sku, "after " + i, i % 50);
				}
				if (i % 40 == 39) {
					this.catalog.delete(connection, "T-" + (i - 37));
				}
				written.incrementAndGet();
				Thread.sleep(5);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** A child JVM running only the sinks. */
	private Sinks startSinks(String name) throws IOException {
		Map<String, String> args = args();
		args.put("mqlab.cdc.capture.enabled", "false");
		ServiceJvm jvm = ServiceJvm.start(CdcServiceApplication.class, "sink-kill-" + this.run + "-" + name, args);
		this.children.add(jvm);
		return new Sinks(jvm, jvm.http());
	}

	private Map<String, String> args() {
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", this.broker.backend());
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.cdc.topic", "cdc-" + this.run);
		args.put("mqlab.cdc.sinks.cache.key-prefix", "cdc-" + this.run);
		args.put("mqlab.cdc.sinks.search.index", "products-" + this.run);
		args.put("mqlab.cdc.sinks.search.url", TestSinks.opensearchUrl());
		args.put("mqlab.cdc.sinks.replica.url", TestSinks.mariadbUrl("cdc_" + this.run));
		// a dead member's partitions (and the entries it held) pass on after this
		args.put("mqlab.messaging.visibility-timeout", "3s");
		args.putAll(TestBroker.redisProperties());
		args.putAll(this.broker.properties(this.run));
		args.putAll(this.catalog.properties());
		return args;
	}

	/** A child JVM running the sinks, and its API. */
	private record Sinks(ServiceJvm jvm, Http api) {

		/** The fewest changes one of its sinks handled. */
		long appliedByEach() {
			return this.api.get("/cdc/status")
				.body()
				.path("sinks")
				.valueStream()
				.mapToLong((sink) -> sink.path("applied").asLong() + sink.path("stale").asLong())
				.min()
				.orElse(0);
		}

	}

}
