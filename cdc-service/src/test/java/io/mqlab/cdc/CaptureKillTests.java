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

import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.support.Http;
import io.mqlab.support.ServiceJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A capture and its sinks killed hard in the middle of a stream of changes, on the Redis
 * backend. Two instances with every role run as child JVMs: one takes the capture lock
 * and streams, the other waits on it; both are members of every sink's group. While
 * single-row updates, inserts and deletes go on, the capturing one gets a SIGKILL (no
 * shutdown hook, no offset flush, its sinks' messages unacknowledged); the other takes
 * over the capture from the offset the first one last stored, and its partitions of every
 * sink group once their leases lapse. Afterwards the cache, the index and the replica
 * equal the source row by row: nothing lost, and the changes captured or delivered twice
 * rolled nothing back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CaptureKillTests {

	private static final Duration PATIENCE = Duration.ofSeconds(120);

	private final String run = "x" + UUID.randomUUID().toString().substring(0, 8);

	private final TestBroker broker = TestBroker.of("redis");

	private final List<ServiceJvm> children = new ArrayList<>();

	private CatalogDatabase catalog;

	@BeforeAll
	void createTheCatalog() throws Exception {
		this.catalog = new CatalogDatabase(this.run);
		this.catalog.insert(CatalogDatabase.products("K-", 0, 200));
	}

	@AfterAll
	void stopAndClean() throws InterruptedException {
		for (ServiceJvm child : this.children) {
			child.close();
		}
		try {
			if (this.catalog != null) {
				this.catalog.close();
			}
		}
		finally {
			TestSinks.removeRun(this.broker, this.run);
		}
	}

	@Test
	void aCaptureAndItsSinksKilledMidStreamLoseNothingAndRollNothingBack() throws Exception {
		List<Instance> instances = List.of(start("a"), start("b"));
		// both up (each a member of every group), one capturing the snapshot
		await().atMost(PATIENCE)
			.pollInterval(Duration.ofMillis(250))
			.ignoreExceptions()
			.until(() -> instances.stream().allMatch((instance) -> instance.phase() != null)
					&& instances.stream().anyMatch((instance) -> instance.published() >= 200));
		Instance victim = instances.stream()
			.filter((instance) -> "CAPTURING".equals(instance.phase()))
			.findFirst()
			.orElseThrow();
		Instance survivor = instances.get((instances.indexOf(victim) + 1) % 2);
		assertThat(survivor.phase()).isEqualTo("WAITING");

		AtomicBoolean writing = new AtomicBoolean(true);
		AtomicInteger written = new AtomicInteger();
		CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> write(writing, written));
		try {
			// mid-stream: the victim has captured some of the writes, and more are coming
			long before = victim.published();
			await().atMost(PATIENCE)
				.pollInterval(Duration.ofMillis(100))
				.until(() -> victim.published() > before + 100);
			victim.jvm().kill();
			int atKill = written.get();
			await().atMost(PATIENCE).until(() -> written.get() > atKill + 150);
			await().atMost(PATIENCE).until(() -> "CAPTURING".equals(survivor.phase()));
		}
		finally {
			writing.set(false);
			writes.join();
		}

		JsonNode report = await().atMost(PATIENCE)
			.pollInterval(Duration.ofMillis(500))
			.until(() -> survivor.api().get("/cdc/consistency").body(),
					(answer) -> answer.path("consistent").asBoolean(false));
		assertThat(report.get("sourceRows").asLong()).isEqualTo(this.catalog.rows().size());
		for (String sink : List.of("cache", "search", "replica")) {
			assertThat(report.get("sinks").get(sink).get("equal").asLong()).as(sink)
				.isEqualTo(report.get("sourceRows").asLong());
		}
		JsonNode status = survivor.api().get("/cdc/status").body();
		System.out.printf("%d changes written; the survivor published %d; stale (absorbed duplicates): %s%n",
				written.get(), status.get("capture").get("published").asLong(),
				status.get("sinks")
					.valueStream()
					.map((sink) -> sink.get("name").asString() + "=" + sink.path("stale").asLong())
					.toList());
	}

	/** Single-row changes, about 200 a second, until told to stop. */
	private void write(AtomicBoolean writing, AtomicInteger written) {
		try (Connection connection = this.catalog.connect()) {
			for (int i = 0; writing.get(); i++) {
				String sku = "K-" + (i % 200);
				switch (i % 4) {
					case 0, 1 -> this.catalog.updatePrice(connection, sku, BigDecimal.valueOf(100 + i, 2));
					case 2 -> this.catalog.insert(List.of(CatalogDatabase.product("N-" + i, i)));
					default -> this.catalog.updateText(connection, sku, "after " + i, i % 50);
				}
				if (i % 40 == 39) {
					this.catalog.delete(connection, "N-" + (i - 37));
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

	private Instance start(String name) throws IOException {
		ServiceJvm jvm = ServiceJvm.start(CdcServiceApplication.class, "capture-kill-" + this.run + "-" + name, args());
		this.children.add(jvm);
		return new Instance(jvm, jvm.http());
	}

	private Map<String, String> args() {
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", this.broker.backend());
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.cdc.topic", topic());
		args.put("mqlab.cdc.sinks.cache.key-prefix", "cdc-" + this.run);
		args.put("mqlab.cdc.sinks.search.index", index());
		args.put("mqlab.cdc.sinks.search.url", TestSinks.opensearchUrl());
		args.put("mqlab.cdc.sinks.replica.url", TestSinks.mariadbUrl(replicaDatabase()));
		// a dead member's partitions (and the entries it held) pass on after this
		args.put("mqlab.messaging.visibility-timeout", "3s");
		args.put("mqlab.cdc.capture.lock-poll-interval", "250ms");
		args.put("mqlab.cdc.capture.restart-delay", "500ms");
		args.putAll(TestBroker.redisProperties());
		args.putAll(this.broker.properties(this.run));
		args.putAll(this.catalog.properties());
		return args;
	}

	/** A child JVM running cdc-service, and its API. */
	private record Instance(ServiceJvm jvm, Http api) {

		String phase() {
			return this.api.get("/cdc/status").body().path("capture").path("phase").asString(null);
		}

		long published() {
			return this.api.get("/cdc/status").body().path("capture").path("published").asLong();
		}

	}

	private String topic() {
		return "cdc-" + this.run;
	}

	private String index() {
		return "products-" + this.run;
	}

	private String replicaDatabase() {
		return "cdc_" + this.run;
	}

}
