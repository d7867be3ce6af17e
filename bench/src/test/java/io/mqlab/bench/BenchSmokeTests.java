package io.mqlab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.mqlab.bench.report.BackendResult;
import io.mqlab.bench.report.BenchReport;
import io.mqlab.bench.report.ReportWriter;
import io.mqlab.bench.workload.Workload;
import io.mqlab.messaging.Backend;
import io.mqlab.messaging.contract.TestBrokers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small run per backend against the real brokers (Kafka: an in-JVM KRaft broker, which
 * the native tools use too). Asserts completeness only, never speed: every confirmed
 * message delivered, the native tool ran and consumed what it sent, and the three reports
 * are written and parse.
 */
class BenchSmokeTests {

	/**
	 * Small enough for seconds per backend, big enough for several batches per producer.
	 */
	private static final Workload SMOKE = new Workload(600, 256, 12, 2, 2, 200, Duration.ofSeconds(1));

	private static final JsonMapper json = JsonMapper.builder().build();

	private static TestKafka kafka;

	@TempDir
	Path out;

	@BeforeAll
	static void startKafka() {
		kafka = TestKafka.start("mqlab.test.kafka.brokers");
	}

	@AfterAll
	static void stopKafka() {
		kafka.close();
	}

	@Test
	void kafka() throws IOException {
		smokeRun(Backend.KAFKA, kafka.brokersFor(Backend.KAFKA));
	}

	@Test
	void rabbitmq() throws IOException {
		smokeRun(Backend.RABBITMQ, kafka.brokersFor(Backend.RABBITMQ));
	}

	@Test
	void redis() throws IOException {
		smokeRun(Backend.REDIS, kafka.brokersFor(Backend.REDIS));
	}

	@Test
	void postgres() throws IOException {
		smokeRun(Backend.POSTGRES, kafka.brokersFor(Backend.POSTGRES));
	}

	@Test
	void commandLineRunsAndWritesTheReports() throws IOException {
		TestBrokers.Broker redis = TestBrokers.redis();
		int status = BenchMain.run(new String[] { "--backends", "redis", "--messages", "300", "--size", "128", "--keys",
				"4", "--rate", "0", "--pipeline", "50", "--set", "mqlab.messaging.redis.block-timeout=200ms", "--set",
				"spring.data.redis.host=" + redis.host(), "--set", "spring.data.redis.port=" + redis.port(),
				"--warm-up", "0s", "--no-native", "--out", this.out.toString() });
		assertThat(status).isZero();
		JsonNode backend = json.readTree(this.out.resolve(ReportWriter.JSON).toFile()).get("backends").get(0);
		assertThat(backend.get("name").asString()).isEqualTo("redis");
		assertThat(backend.get("mqlab").get("lost").asLong()).isZero();
		// the max-throughput and the backlog phase
		assertThat(backend.get("mqlab").get("published").asLong()).isEqualTo(600);
		assertThat(backend.get("settings").get("properties").get("mqlab.messaging.redis.block-timeout").asString())
			.isEqualTo("200ms");
		assertThat(backend.get("native").isNull()).isTrue();
	}

	@Test
	void rejectsABadCommandLine() {
		assertThat(BenchMain.run(new String[] { "--backends", "nats" })).isEqualTo(2);
		assertThat(BenchMain.run(new String[] { "--keys", "1", "--producers", "2" })).isEqualTo(2);
		assertThat(BenchMain.run(new String[] { "--mesages", "10" })).isEqualTo(2);
	}

	private void smokeRun(Backend backend, Brokers brokers) throws IOException {
		BenchSettings settings = new BenchSettings(List.of(backend), SMOKE, Tuning.DEFAULTS, brokers, this.out,
				Duration.ofSeconds(30), true, Duration.ZERO);
		BenchReport report = new BenchRunner(settings, ProjectPaths.detect()).run();

		BackendResult result = report.backends().get(0);
		assertThat(result.mqlab().error()).isNull();
		// max-throughput, fixed-rate and backlog phases
		long expected = 2L * SMOKE.messages() + SMOKE.fixedRateMessages();
		assertThat(result.mqlab().published()).isEqualTo(expected);
		assertThat(result.mqlab().delivered()).isEqualTo(expected);
		assertThat(result.mqlab().lost()).isZero();
		assertThat(result.mqlab().errors()).isZero();
		assertThat(result.mqlab().orderViolations()).isZero();
		assertThat(result.mqlab().latencyMs().p99()).isNotNull();
		assertThat(result.baseline().error()).isNull();
		assertThat(result.baseline().messages()).isGreaterThanOrEqualTo(SMOKE.messages());
		assertThat(result.baseline().lost()).isZero();
		assertThat(result.ratio()).isNotNull();
		assertThat(result.mqlab().drainPerSec()).isPositive();
		assertThat(result.ratioBasis()).isEqualTo((backend == Backend.RABBITMQ) ? "concurrent" : "backlog");

		JsonNode written = json.readTree(this.out.resolve(ReportWriter.JSON).toFile());
		JsonNode entry = written.get("backends").get(0);
		assertThat(entry.get("name").asString()).isEqualTo(backend.id());
		for (String side : List.of("mqlab", "native")) {
			for (String figure : List.of("publishPerSec", "consumePerSec", "latencyMs", "lost", "duplicates",
					"orderViolations")) {
				assertThat(entry.get(side).has(figure)).as(side + "." + figure).isTrue();
			}
		}
		assertThat(entry.get("mqlab").get("lost").asLong()).isZero();
		assertThat(entry.get("ratio").isNumber()).isTrue();
		assertThat(entry.get("mqlab").get("drainPerSec").asDouble()).isPositive();
		assertThat(entry.get("settings").get("messages").asInt()).isEqualTo(SMOKE.messages());
		assertThat(Files.readString(this.out.resolve(ReportWriter.MARKDOWN))).contains("| " + backend.id() + " |");
		// Self-contained: charts drawn inline, nothing loaded from elsewhere.
		assertThat(Files.readString(this.out.resolve(ReportWriter.HTML)))
			.contains("<svg", "Throughput per backend", "latency by percentile", "backlog over time")
			.doesNotContain("<script src", "<link ", "<img ");
	}

}
