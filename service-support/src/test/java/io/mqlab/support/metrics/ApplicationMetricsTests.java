package io.mqlab.support.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mqlab.support.metrics.MetricsSampled.Sample;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Rates and the interval's p99 from a real Prometheus registry, as the services have.
 */
class ApplicationMetricsTests {

	private final MeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

	private final ApplicationMetrics metrics = new ApplicationMetrics(this.registry, "metrics");

	@Test
	void ratesAreOverTheIntervalAndLeaveOutTheAgentsOwnBatches() {
		Counter orders = Counter.builder("mqlab.messages.published").tag("topic", "ORDER").register(this.registry);
		Counter batches = Counter.builder("mqlab.messages.published").tag("topic", "metrics").register(this.registry);
		Counter consumed = Counter.builder("mqlab.messages.consumed").tag("topic", "ORDER").register(this.registry);
		Counter retried = Counter.builder("mqlab.messages.retried").tag("topic", "ORDER").register(this.registry);
		Counter dead = Counter.builder("mqlab.messages.dead.lettered").tag("topic", "ORDER").register(this.registry);
		orders.increment(100);
		this.metrics.baseline();
		orders.increment(10);
		batches.increment(50);
		consumed.increment(4);
		retried.increment(3);
		dead.increment(1);

		Map<String, Double> values = sample(2);
		assertThat(values).containsEntry("messages.published.rate", 5.0)
			.containsEntry("messages.consumed.rate", 2.0)
			.containsEntry("messages.failed.rate", 2.0)
			.containsEntry("http.requests.rate", 0.0)
			.containsEntry("http.latency.p99", 0.0);
		assertThat(sample(2)).containsEntry("messages.published.rate", 0.0);
	}

	@Test
	void httpRatesAndTheP99OfTheIntervalOnly() {
		this.registry.config().meterFilter(MetricsAgentAutoConfiguration.httpLatencyBuckets());
		Timer ok = timer("200");
		Timer failed = timer("503");
		for (int i = 0; i < 1000; i++) {
			ok.record(Duration.ofSeconds(5));
		}
		this.metrics.baseline();
		for (int i = 0; i < 990; i++) {
			ok.record(Duration.ofMillis(8));
		}
		for (int i = 0; i < 10; i++) {
			failed.record(Duration.ofMillis(900));
		}

		Map<String, Double> values = sample(10);
		assertThat(values).containsEntry("http.requests.rate", 100.0).containsEntry("http.errors.rate", 1.0);
		// the 990th of 1000 is the last of the 8 ms ones: in the 5-10 ms bucket, not the
		// 5 s before
		assertThat(values.get("http.latency.p99")).isBetween(0.005, 0.010);
	}

	@Test
	void p99InterpolatesWithinItsBucket() {
		TreeMap<Double, Double> cumulative = new TreeMap<>(Map.of(10.0, 0.0, 20.0, 50.0, 30.0, 100.0));
		// rank 99 of 100 lies 49/50 of the way through the 20-30 bucket
		assertThat(ApplicationMetrics.p99(cumulative)).isCloseTo(29.8, within(1e-9));
		assertThat(ApplicationMetrics.p99(new TreeMap<>())).isZero();
	}

	@Test
	void oneBacklogSamplePerGroupWithItsTopicAndGroup() {
		Gauge.builder("mqlab.consumer.backlog", () -> 7)
			.tags("topic", "ORDER", "group", "recon")
			.register(this.registry);
		Gauge.builder("mqlab.consumer.backlog", () -> Double.NaN)
			.tags("topic", "ORDER", "group", "unknown")
			.register(this.registry);
		this.metrics.baseline();
		List<Sample> samples = new ArrayList<>();
		this.metrics.sample(1, samples);
		assertThat(samples).filteredOn((s) -> s.name().equals("consumer.backlog"))
			.containsExactly(new Sample("consumer.backlog", 7, Map.of("topic", "ORDER", "group", "recon")));
	}

	@Test
	void aBacklogFigureTheBrokerHasNotReportedAnewIsNotSentAgain() {
		AtomicLong backlog = new AtomicLong(10);
		AtomicReference<Instant> measured = new AtomicReference<>(Instant.now().minusSeconds(3));
		Gauge.builder("mqlab.consumer.backlog", backlog::get)
			.tags("topic", "ORDER", "group", "recon")
			.register(this.registry);
		Gauge
			.builder("mqlab.consumer.backlog.age",
					() -> Duration.between(measured.get(), Instant.now()).toMillis() / 1000.0)
			.tags("topic", "ORDER", "group", "recon")
			.register(this.registry);
		this.metrics.baseline();
		assertThat(backlogs()).containsExactly(10.0);
		// the agent samples again before the library asked the broker again
		assertThat(backlogs()).isEmpty();
		backlog.set(25);
		measured.set(Instant.now());
		assertThat(backlogs()).containsExactly(25.0);
		assertThat(backlogs()).isEmpty();
	}

	private List<Double> backlogs() {
		List<Sample> samples = new ArrayList<>();
		this.metrics.sample(5, samples);
		return samples.stream().filter((s) -> s.name().equals("consumer.backlog")).map(Sample::value).toList();
	}

	private Timer timer(String status) {
		return Timer.builder(ApplicationMetrics.HTTP_REQUESTS).tag("status", status).register(this.registry);
	}

	private Map<String, Double> sample(double seconds) {
		List<Sample> samples = new ArrayList<>();
		this.metrics.sample(seconds, samples);
		Map<String, Double> values = new TreeMap<>();
		samples.forEach((s) -> values.put(s.name(), s.value()));
		return values;
	}

}
