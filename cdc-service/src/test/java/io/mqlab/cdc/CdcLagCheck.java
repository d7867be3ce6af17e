package io.mqlab.cdc;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.mqlab.cdc.capture.CaptureState;
import io.mqlab.cdc.sink.ProductSink;
import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.support.Http;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Lag at a fixed rate, outside the default suite (surefire does not match
 * {@code *Check}): single-row updates, each its own transaction, at
 * {@code -Dmqlab.check.rate} changes/s (default 2000) for {@code -Dmqlab.check.seconds}
 * (default 15) on {@code -Dmqlab.check.backend} (default redis), with the sinks named in
 * {@code -Dmqlab.check.sinks} (default cache,search,replica). Prints the rate written,
 * the rate each sink applied while the load ran, the time each took to catch up after it,
 * and per sink the source commit to applied lag p50/p99/max (the sinks' own
 * {@code cdc.sink.lag} timers, streamed changes only) beside the capture's commit to
 * published lag, and the changes per sink write; then checks every sink equals the
 * source. <pre>
 * ./mvnw -B -ntp -pl cdc-service -am test -Dtest=CdcLagCheck -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dmqlab.check.rate=2000 -Dmqlab.check.backend=redis
 * </pre>
 */
class CdcLagCheck {

	private static final int ROWS = 2000;

	private static final int WRITERS = 4;

	@Test
	void lagAtAFixedRate() throws Exception {
		int rate = Integer.getInteger("mqlab.check.rate", 2000);
		int seconds = Integer.getInteger("mqlab.check.seconds", 15);
		List<String> sinkNames = List.of(System.getProperty("mqlab.check.sinks", "cache,search,replica").split(","));
		String run = "l" + UUID.randomUUID().toString().substring(0, 8);
		TestBroker broker = TestBroker.of(System.getProperty("mqlab.check.backend", "redis"));
		try (CatalogDatabase catalog = new CatalogDatabase(run)) {
			catalog.insert(CatalogDatabase.products("LAG-", 0, ROWS));
			Map<String, String> args = new LinkedHashMap<>();
			args.put("spring.profiles.active", broker.backend());
			args.put("server.port", "0");
			args.put("spring.main.banner-mode", "off");
			args.put("mqlab.cdc.topic", "cdc-" + run);
			args.put("mqlab.cdc.sinks.cache.key-prefix", "cdc-" + run);
			args.put("mqlab.cdc.sinks.search.index", "products-" + run);
			args.put("mqlab.cdc.sinks.search.url", TestSinks.opensearchUrl());
			args.put("mqlab.cdc.sinks.replica.url", TestSinks.mariadbUrl("cdc_" + run));
			for (String sink : List.of("cache", "search", "replica")) {
				args.put("mqlab.cdc.sinks." + sink + ".enabled", Boolean.toString(sinkNames.contains(sink)));
			}
			args.putAll(TestBroker.redisProperties());
			args.putAll(broker.properties(run));
			args.putAll(catalog.properties());
			ConfigurableApplicationContext context = CdcServiceApplication.builder()
				.run(args.entrySet()
					.stream()
					.map((e) -> "--" + e.getKey() + "=" + e.getValue())
					.toArray(String[]::new));
			try {
				List<ProductSink> sinks = context.getBeanProvider(ProductSink.class).orderedStream().toList();
				await().atMost(Duration.ofMinutes(5))
					.until(() -> sinks.stream().allMatch((sink) -> sink.progress().applied() >= ROWS));
				Map<String, Long> appliedBefore = new LinkedHashMap<>();
				sinks.forEach(
						(sink) -> appliedBefore.put(sink.name(), sink.progress().applied() + sink.progress().stale()));

				CaptureState capture = context.getBean(CaptureState.class);
				long publishedBefore = capture.published();
				long written = write(catalog, rate, seconds);
				long loadEnded = System.nanoTime();
				long publishedDuringLoad = capture.published() - publishedBefore;
				Map<String, Long> appliedDuringLoad = new LinkedHashMap<>();
				sinks.forEach((sink) -> appliedDuringLoad.put(sink.name(),
						sink.progress().applied() + sink.progress().stale() - appliedBefore.get(sink.name())));
				Map<String, Double> catchUp = new LinkedHashMap<>();
				await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
					for (ProductSink sink : sinks) {
						if (!catchUp.containsKey(sink.name()) && sink.progress().applied() + sink.progress().stale()
								- appliedBefore.get(sink.name()) >= written) {
							catchUp.put(sink.name(), (System.nanoTime() - loadEnded) / 1e9);
						}
					}
					return catchUp.size() == sinks.size();
				});

				System.out.printf(
						"%n%s, sinks %s: %d single-row changes written in %d s (%.0f/s, asked %d/s);"
								+ " the capture published %.0f/s during the load (load average %.1f on %d cores)%n",
						broker.backend(), sinkNames, written, seconds, written / (double) seconds, rate,
						publishedDuringLoad / (double) seconds,
						java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
						Runtime.getRuntime().availableProcessors());
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				// what the sinks' lag starts from: commit to the broker's confirmation,
				// per
				// published batch (its last change)
				Timer published = meters.get("cdc.capture.lag").timer();
				ValueAtPercentile[] c = published.takeSnapshot().percentileValues();
				System.out.printf(
						"  capture  commit to published (per batch):        lag p50 %6.0f ms  p99 %6.0f ms  max %6.0f ms%n",
						c[0].value(TimeUnit.MILLISECONDS), c[1].value(TimeUnit.MILLISECONDS),
						published.max(TimeUnit.MILLISECONDS));
				for (ProductSink sink : sinks) {
					Timer lag = meters.get("cdc.sink.lag").tag("sink", sink.name()).timer();
					ValueAtPercentile[] p = lag.takeSnapshot().percentileValues();
					System.out.printf(
							"  %-8s applied %6.0f/s during the load, caught up %5.1f s after it;"
									+ " lag p50 %6.0f ms  p99 %6.0f ms  max %6.0f ms%n",
							sink.name(), appliedDuringLoad.get(sink.name()) / (double) seconds,
							catchUp.get(sink.name()), p[0].value(TimeUnit.MILLISECONDS),
							p[1].value(TimeUnit.MILLISECONDS), lag.max(TimeUnit.MILLISECONDS));
				}
				for (ProductSink sink : sinks) {
					DistributionSummary batches = meters.get("cdc.sink.batch.size").tag("sink", sink.name()).summary();
					System.out.printf("  %-8s %d writes, %.1f changes each on average, %.0f at most%n", sink.name(),
							batches.count(), batches.mean(), batches.max());
				}
				Http api = new Http(((WebServerApplicationContext) context).getWebServer().getPort());
				JsonNode report = await().atMost(Duration.ofMinutes(2))
					.pollInterval(Duration.ofSeconds(1))
					.until(() -> api.get("/cdc/consistency").body(), (r) -> r.path("consistent").asBoolean(false));
				assertThat(report.get("sourceRows").asLong()).isEqualTo(ROWS);
			}
			finally {
				context.close();
			}
		}
		finally {
			TestSinks.removeRun(broker, run);
			broker.close();
		}
	}

	/**
	 * Updates a row's price every 1/rate s for the given time, by {@link #WRITERS}
	 * connections (asynchronous commit: the load generator, not what is measured);
	 * returns how many it wrote.
	 */
	private static long write(CatalogDatabase catalog, int rate, int seconds) throws Exception {
		BlockingQueue<Integer> due = new ArrayBlockingQueue<>(rate * 2);
		AtomicLong written = new AtomicLong();
		ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
		List<Connection> connections = new ArrayList<>();
		try {
			for (int w = 0; w < WRITERS; w++) {
				Connection connection = catalog.connect();
				try (Statement statement = connection.createStatement()) {
					statement.execute("SET synchronous_commit = off");
				}
				connections.add(connection);
				writers.execute(() -> {
					try (PreparedStatement update = connection.prepareStatement(
							"UPDATE products SET price = ?, version = version + 1, updated_at = clock_timestamp()"
									+ " WHERE sku = ?")) {
						while (true) {
							int n = due.take();
							if (n < 0) {
								return;
							}
							update.setBigDecimal(1, BigDecimal.valueOf(100 + n % 100_000, 2));
							update.setString(2, "LAG-" + (n % ROWS));
							update.executeUpdate();
							written.incrementAndGet();
						}
					}
					catch (SQLException ex) {
						throw new IllegalStateException(ex);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				});
			}
			long start = System.nanoTime();
			long end = start + TimeUnit.SECONDS.toNanos(seconds);
			int n = 0;
			for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
				// the changes due by now, at the fixed rate; dropped when the writers lag
				// so far behind that the queue is full
				long dueByNow = (now - start) * rate / 1_000_000_000L;
				while (n < dueByNow) {
					due.offer(n++);
				}
				Thread.sleep(1);
			}
			for (int w = 0; w < WRITERS; w++) {
				due.put(-1);
			}
			writers.shutdown();
			writers.awaitTermination(1, TimeUnit.MINUTES);
			return written.get();
		}
		finally {
			writers.shutdownNow();
			for (Connection connection : connections) {
				connection.close();
			}
		}
	}

}
