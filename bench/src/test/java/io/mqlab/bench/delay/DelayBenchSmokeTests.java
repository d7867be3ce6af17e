package io.mqlab.bench.delay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.mqlab.bench.Brokers;
import io.mqlab.bench.ProjectPaths;
import io.mqlab.bench.TestKafka;
import io.mqlab.messaging.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small delayed-delivery bench run per backend against the real brokers: asserts that
 * every delayed message was handled once and none early, never how late.
 */
class DelayBenchSmokeTests {

	private static final int PENDING = 300;

	private static TestKafka kafka;

	@TempDir
	Path out;

	@BeforeAll
	static void startKafka() {
		kafka = TestKafka.start("mqlab.test.kafka.delay-brokers");
	}

	@AfterAll
	static void stopKafka() {
		kafka.close();
	}

	@Test
	void kafka() {
		smokeRun(Backend.KAFKA, kafka.brokersFor(Backend.KAFKA));
	}

	@Test
	void rabbitmq() {
		smokeRun(Backend.RABBITMQ, kafka.brokersFor(Backend.RABBITMQ));
	}

	@Test
	void redis() {
		smokeRun(Backend.REDIS, kafka.brokersFor(Backend.REDIS));
	}

	@Test
	void postgres() {
		smokeRun(Backend.POSTGRES, kafka.brokersFor(Backend.POSTGRES));
	}

	@Test
	void commandLineWritesTheTableAndTheJson() throws IOException {
		int status = DelayBench.run(new String[] { "--backends", "postgres", "--pending", "100", "--due-rate", "200",
				"--out", this.out.toString() }, ProjectPaths.detect());
		assertThat(status).isZero();
		assertThat(Files.readString(this.out.resolve("delays.md"))).contains("| postgres | 100 |");
		JsonNode result = JsonMapper.builder().build().readTree(this.out.resolve("delays.json").toFile()).get(0);
		assertThat(result.get("backend").asString()).isEqualTo("postgres");
		assertThat(result.get("delivered").asLong()).isEqualTo(100);
		assertThat(result.get("latenessMs").get("p99").isNumber()).isTrue();
	}

	@Test
	void rejectsABadCommandLine() {
		assertThat(DelayBench.run(new String[] { "--pending", "ten" }, ProjectPaths.detect())).isEqualTo(2);
		assertThat(DelayBench.run(new String[] { "--backends", "nats" }, ProjectPaths.detect())).isEqualTo(2);
		assertThat(DelayBench.run(new String[] { "--pendng", "10" }, ProjectPaths.detect())).isEqualTo(2);
	}

	private static void smokeRun(Backend backend, Brokers brokers) {
		DelayResult result = new DelayBenchmark(brokers, 200, 2, Duration.ofSeconds(30)).run(backend, PENDING,
				"smoke" + System.nanoTime() % 100_000);
		assertThat(result.error()).isNull();
		assertThat(result.delivered()).isEqualTo(PENDING);
		assertThat(result.lost()).isZero();
		assertThat(result.early()).isZero();
		assertThat(result.latenessMs().p99()).isNotNull();
	}

}
