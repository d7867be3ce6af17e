package io.mqlab.logs;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.mqlab.logs.index.LogIndices;
import io.mqlab.messaging.contract.TestBroker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The write → searchable delay, outside the default suite: once a first line is
 * searchable, one service writes {@value #RATE} lines/s for {@value #SECONDS} s with the
 * production settings (shipper polls every 250 ms, the index refreshes every second),
 * while the index is counted every 50 ms without forcing a refresh. Line n is searchable
 * when the count first exceeds n (lines are written, shipped and indexed in order: one
 * file, one key), so its delay is that moment minus when it was written. Prints p50, p99
 * and the maximum, and checks that every line arrived once. Run with
 * {@code ./mvnw -pl log-service -am verify -Dtest=LogDelayCheck -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class LogDelayCheck {

	static final int RATE = 2000;

	static final int SECONDS = 30;

	@ParameterizedTest
	@ValueSource(strings = { "kafka", "rabbitmq", "redis", "postgres" })
	void writeToSearchableDelayAtAFixedRate(String backend) throws Exception {
		String run = "dly" + UUID.randomUUID().toString().substring(0, 8);
		Path dir = Files.createTempDirectory("log-delay-" + run);
		int lines = RATE * SECONDS;
		long[] writtenAt = new long[lines];
		long[] searchableAt = new long[lines];
		try (TestBroker broker = TestBroker.of(backend)) {
			Map<String, String> args = new LinkedHashMap<>();
			args.put("spring.profiles.active", backend);
			args.put("server.port", "0");
			args.put("spring.main.banner-mode", "off");
			args.put("mqlab.metrics.agent.enabled", "false");
			args.put("mqlab.messaging.partitions", "4");
			args.put("mqlab.logs.topic", "logs-" + run);
			args.put("mqlab.logs.indexer.group", "log-indexer-" + run);
			args.put("mqlab.logs.index-prefix", "t-logs-" + run + "-");
			args.put("mqlab.logs.opensearch.url", TestOpenSearch.url());
			args.put("mqlab.logs.shipper.source", "host-" + run);
			args.put("mqlab.logs.shipper.paths", dir.resolve("*.log").toString());
			args.put("mqlab.logs.shipper.checkpoints", dir.resolve("shipper/checkpoints.json").toString());
			args.putAll(broker.properties(run));
			ConfigurableApplicationContext context = LogServiceApplication.builder()
				.run(args.entrySet()
					.stream()
					.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
					.toArray(String[]::new));
			LogIndices indices = context.getBean(LogIndices.class);
			try {
				// one line first, so that the clock starts once the consumer group has
				// its
				// partitions and the day's index exists
				Files.writeString(dir.resolve("svc.log"),
						"{\"@timestamp\":\"" + Instant.now() + "\",\"message\":\"warm-up\"}\n", StandardCharsets.UTF_8,
						StandardOpenOption.CREATE, StandardOpenOption.APPEND);
				await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> count(indices) == 1);
				Thread writer = new Thread(() -> write(dir.resolve("svc.log"), writtenAt), "delay-writer");
				writer.start();
				long deadline = System.nanoTime() + Duration.ofSeconds(SECONDS + 60).toNanos();
				int searchable = 0;
				while (searchable < lines && System.nanoTime() < deadline) {
					int count = (int) count(indices) - 1;
					long now = System.nanoTime();
					for (int i = searchable; i < Math.min(count, lines); i++) {
						searchableAt[i] = now;
					}
					searchable = Math.max(searchable, Math.min(count, lines));
					Thread.sleep(50);
				}
				writer.join();
				assertThat(searchable).isEqualTo(lines);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> TestOpenSearch.search(indices.pattern(), "{\"size\":0,\"track_total_hits\":true}")
						.path("hits")
						.path("total")
						.path("value")
						.asLong() == lines + 1);
				double[] delays = new double[lines];
				for (int i = 0; i < lines; i++) {
					delays[i] = (searchableAt[i] - writtenAt[i]) / 1e6;
				}
				Arrays.sort(delays);
				System.out.printf(
						"%s: %d lines at %d lines/s, write -> searchable p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
						backend, lines, RATE, delays[lines / 2], delays[(int) (lines * 0.99)], delays[lines - 1]);
				indices.deleteAll();
			}
			finally {
				context.close();
				broker.removeState(run, Map.of("logs-" + run, "log-indexer-" + run));
			}
		}
	}

	/** Counts without a refresh: what a search sees now. */
	private static long count(LogIndices indices) {
		try {
			return TestOpenSearch.searchAsIs(indices.pattern(), "{\"size\":0,\"track_total_hits\":true}")
				.path("hits")
				.path("total")
				.path("value")
				.asLong();
		}
		catch (RuntimeException ex) {
			// a new daily index whose shard is starting
			return 0;
		}
	}

	/** {@value #RATE} lines/s in 10 ms ticks, each line's write time recorded. */
	private static void write(Path file, long[] writtenAt) {
		int perTick = RATE / 100;
		long start = System.nanoTime();
		try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
				StandardOpenOption.APPEND)) {
			for (int tick = 0; tick * perTick < writtenAt.length; tick++) {
				long due = start + tick * 10_000_000L;
				while (System.nanoTime() < due) {
					Thread.onSpinWait();
					if (due - System.nanoTime() > 2_000_000L) {
						Thread.sleep(1);
					}
				}
				StringBuilder lines = new StringBuilder();
				int from = tick * perTick;
				for (int i = from; i < Math.min(from + perTick, writtenAt.length); i++) {
					lines.append("{\"@timestamp\":\"")
						.append(Instant.now())
						.append("\",\"log\":{\"level\":\"INFO\"},\"service\":{\"name\":\"svc\"},\"message\":\"line ")
						.append(i)
						.append("\"}\n");
				}
				out.write(lines.toString());
				out.flush();
				long now = System.nanoTime();
				for (int i = from; i < Math.min(from + perTick, writtenAt.length); i++) {
					writtenAt[i] = now;
				}
			}
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
