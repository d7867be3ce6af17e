package io.mqlab.cdc;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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
 * {@code -Dmqlab.check.sinks} (default cache,search,replica), after a warm-up of the same
 * load for {@code -Dmqlab.check.warmup} s (default 150: on two cores the JIT compilers
 * were still busy after 60 s) that is not measured, at {@code -Dmqlab.check.warmup-rate}
 * (default the same rate; lower it when the rate asked is above saturation). On Kafka the
 * broker runs in this JVM unless {@code -Dmqlab.check.kafka} names the bootstrap servers
 * of one that runs on its own ({@code scripts/kafka.sh start}: 127.0.0.1:9092). Prints
 * the rate written, the rate each sink applied while the load ran, the time each took to
 * catch up after it, and per sink the source commit to applied lag p50/p99 (the sinks'
 * own {@code cdc.sink.lag} timers, streamed changes only, to 25 ms buckets) beside the
 * capture's commit to published lag, and the changes per sink write; then checks every
 * sink equals the source. <pre>
 * ./mvnw -B -ntp -pl cdc-service -am test -Dtest=CdcLagCheck -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dmqlab.check.rate=2000 -Dmqlab.check.backend=redis
 * </pre>
 */
class CdcLagCheck {

	private static final int ROWS = 2000;

	private static final int WRITERS = 8;

	@Test
	void lagAtAFixedRate() throws Exception {
		int rate = Integer.getInteger("mqlab.check.rate", 2000);
		int seconds = Integer.getInteger("mqlab.check.seconds", 15);
		int warmup = Integer.getInteger("mqlab.check.warmup", 150);
		// a rate above what the machine sustains measures saturation: warm up below it
		int warmupRate = Integer.getInteger("mqlab.check.warmup-rate", rate);
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
			// a broker in a JVM of its own (scripts/kafka.sh), as in production
			String kafka = System.getProperty("mqlab.check.kafka", "");
			args.putAll((broker.backend().equals("kafka") && !kafka.isBlank())
					? Map.of("spring.kafka.bootstrap-servers", kafka) : broker.properties(run));
			args.putAll(catalog.properties());
			ConfigurableApplicationContext context = CdcServiceApplication.builder()
				.initializers((ConfigurableApplicationContext app) -> app.getBeanFactory()
					.registerSingleton("lagBuckets", LagHistogram.BUCKETS))
				.run(args.entrySet()
					.stream()
					.map((e) -> "--" + e.getKey() + "=" + e.getValue())
					.toArray(String[]::new));
			try {
				List<ProductSink> sinks = context.getBeanProvider(ProductSink.class).orderedStream().toList();
				CaptureState capture = context.getBean(CaptureState.class);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofMinutes(5))
					.until(() -> sinks.stream().allMatch((sink) -> sink.progress().applied() >= ROWS));
				if (warmup > 0) {
					// the same load first: a cold JVM spends a core compiling for a while
					Map<String, Long> beforeWarmup = handled(sinks);
					long warmed = write(catalog, warmupRate, warmup);
					awaitCaughtUp(sinks, beforeWarmup, warmed, System.nanoTime());
				}
				Map<String, Long> appliedBefore = handled(sinks);
				Map<String, LagHistogram> lagBefore = lags(meters, sinks);
				long publishedBefore = capture.published();
				CpuTime cpuBefore = CpuTime.now();
				long written;
				String queue;
				try (DebeziumQueueSampler sampler = new DebeziumQueueSampler("catalog")) {
					written = write(catalog, rate, seconds);
					queue = sampler.summary();
				}
				long loadEnded = System.nanoTime();
				CpuTime cpu = CpuTime.now().minus(cpuBefore);
				long publishedDuringLoad = capture.published() - publishedBefore;
				Map<String, Long> appliedDuringLoad = new LinkedHashMap<>();
				handled(sinks)
					.forEach((sink, handled) -> appliedDuringLoad.put(sink, handled - appliedBefore.get(sink)));
				Map<String, Double> catchUp = awaitCaughtUp(sinks, appliedBefore, written, loadEnded);
				Map<String, LagHistogram> lagAfter = lags(meters, sinks);

				System.out
					.printf("%n%s, sinks %s: %d single-row changes written in %d s (%.0f/s, asked %d/s) after %d s of"
							+ " warm-up at %d/s; the capture published %.0f/s during the load (load average %.1f on %d"
							+ " cores)%n", broker.backend(), sinkNames, written, seconds, written / (double) seconds,
							rate, warmup, warmupRate, publishedDuringLoad / (double) seconds,
							ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
							Runtime.getRuntime().availableProcessors());
				System.out.printf(
						"  CPU during the load: this JVM (service, writers%s) %.2f cores, %.0f ms per 1,000 changes;"
								+ " the machine %.2f of %d cores busy%n",
						broker.backend().equals("kafka") && kafka.isBlank() ? ", Kafka" : "", cpu.jvmCores(),
						cpu.jvmMsPer(written, 1000), cpu.machineCores(), Runtime.getRuntime().availableProcessors());
				cpu.busiestThreads(8)
					.forEach((threads, cores) -> System.out.printf("    %5.2f cores  %s%n", cores, threads));
				System.out.printf(
						"    %5.2f cores  the JVM's own threads (JIT compilers %.2f, collectors %.2f by their clocks)%n",
						cpu.jvmInternalCores(), cpu.compilingCores(), cpu.collectingCores());
				System.out.printf("  Debezium during the load: %s%n", queue);
				// where the sinks' lag starts: commit to confirmed publish, per batch
				// (its last change)
				LagHistogram published = lagAfter.get("capture").minus(lagBefore.get("capture"));
				System.out.printf(
						"  capture  commit to published (per batch):        lag p50 %6s ms  p99 %6s ms  (%d batches)%n",
						published.percentile(0.5), published.percentile(0.99), published.total());
				for (ProductSink sink : sinks) {
					LagHistogram lag = lagAfter.get(sink.name()).minus(lagBefore.get(sink.name()));
					System.out.printf(
							"  %-8s applied %6.0f/s during the load, caught up %5.1f s after it;"
									+ " lag p50 %6s ms  p99 %6s ms  (%d changes)%n",
							sink.name(), appliedDuringLoad.get(sink.name()) / (double) seconds,
							catchUp.get(sink.name()), lag.percentile(0.5), lag.percentile(0.99), lag.total());
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

	/** Changes each sink handled (applied or found stale) so far. */
	private static Map<String, Long> handled(List<ProductSink> sinks) {
		Map<String, Long> handled = new LinkedHashMap<>();
		sinks.forEach((sink) -> handled.put(sink.name(), sink.progress().applied() + sink.progress().stale()));
		return handled;
	}

	/**
	 * Waits until every sink handled the changes written; seconds each took after the
	 * load.
	 */
	private static Map<String, Double> awaitCaughtUp(List<ProductSink> sinks, Map<String, Long> before, long written,
			long loadEnded) {
		Map<String, Double> catchUp = new LinkedHashMap<>();
		await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
			handled(sinks).forEach((sink, handled) -> {
				if (!catchUp.containsKey(sink) && handled - before.get(sink) >= written) {
					catchUp.put(sink, (System.nanoTime() - loadEnded) / 1e9);
				}
			});
			return catchUp.size() == sinks.size();
		});
		return catchUp;
	}

	/** The capture's and each sink's lag histogram as it stands. */
	private static Map<String, LagHistogram> lags(MeterRegistry meters, List<ProductSink> sinks) {
		Map<String, LagHistogram> lags = new LinkedHashMap<>();
		lags.put("capture", LagHistogram.of(meters.get("cdc.capture.lag").timer()));
		sinks.forEach((sink) -> lags.put(sink.name(),
				LagHistogram.of(meters.get("cdc.sink.lag").tag("sink", sink.name()).timer())));
		return lags;
	}

	/**
	 * Updates a row's price every 1/rate s for the given time, by {@link #WRITERS}
	 * connections (each commit durable, as catalog-service's are: with asynchronous
	 * commit the WAL writer would hold a change back for up to 600 ms before the slot
	 * could send it); returns how many it wrote.
	 */
	private static long write(CatalogDatabase catalog, int rate, int seconds) throws Exception {
		BlockingQueue<Integer> due = new ArrayBlockingQueue<>(rate * 2);
		AtomicLong written = new AtomicLong();
		AtomicLong threads = new AtomicLong();
		ExecutorService writers = Executors.newFixedThreadPool(WRITERS,
				(task) -> new Thread(task, "lag-writer-" + threads.incrementAndGet()));
		List<Connection> connections = new ArrayList<>();
		try {
			for (int w = 0; w < WRITERS; w++) {
				Connection connection = catalog.connect();
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
