package io.mqlab.monitoring;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.OutgoingMessage;
import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.monitoring.metrics.MetricsSampled;
import io.mqlab.monitoring.metrics.MetricsSampled.Sample;
import io.mqlab.support.Http;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The benchmark of issue 14, outside the default suite (surefire does not match
 * {@code *Check}): {@code -Dmqlab.check.instances} simulated instances (default 100),
 * each sending one batch of {@code -Dmqlab.check.series} series (default 40) a second for
 * {@code -Dmqlab.check.seconds} (default 60), on each backend of
 * {@code -Dmqlab.check.backends} (default all four) with the engine
 * {@code -Dmqlab.check.engine} (default messaging). One series per instance steps above a
 * threshold rule ({@code for} 10 s) at a staggered time; the webhook's arrival time minus
 * the crossing's time plus the period is the crossing → notification delay. Prints
 * samples sent and applied per second, the worst lag of an instance's last sample behind
 * the clock while the load ran, and the delay p50/p99/max. <pre>
 * ./mvnw -B -ntp -pl monitoring-service -am verify -Dtest=MonitoringThroughputCheck \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dmqlab.check.backends=kafka,redis
 * </pre>
 */
class MonitoringThroughputCheck {

	private static final Duration FOR = Duration.ofSeconds(10);

	private static final double THRESHOLD = 100;

	static List<String> backends() {
		return List.of(System.getProperty("mqlab.check.backends", "kafka,rabbitmq,redis,postgres").split(","));
	}

	@ParameterizedTest
	@MethodSource("backends")
	void samplesPerSecondAndCrossingToNotificationDelay(String backend) throws Exception {
		int instances = Integer.getInteger("mqlab.check.instances", 100);
		int series = Integer.getInteger("mqlab.check.series", 40);
		int seconds = Integer.getInteger("mqlab.check.seconds", 60);
		String engine = System.getProperty("mqlab.check.engine", "messaging");
		String run = "mtc" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, Long> notifiedAt = new ConcurrentHashMap<>();
		HttpServer webhook = webhook(notifiedAt);
		TestBroker broker = TestBroker.of(backend);
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", backend);
		args.put("server.port", "0");
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.metrics.agent.enabled", "false");
		args.put("mqlab.monitoring.engine", engine);
		args.put("mqlab.monitoring.metrics-topic", "metrics-" + run);
		args.put("mqlab.monitoring.alerts-topic", "alerts-" + run);
		args.put("mqlab.monitoring.group", "monitoring-" + run);
		args.put("mqlab.monitoring.notifier-group", "notifier-" + run);
		args.put("mqlab.monitoring.key-prefix", "mon-" + run);
		args.put("mqlab.monitoring.webhooks.bench", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/");
		args.put("mqlab.monitoring.rules[0].name", "crossing");
		args.put("mqlab.monitoring.rules[0].metric", "bench.trigger");
		args.put("mqlab.monitoring.rules[0].op", ">");
		args.put("mqlab.monitoring.rules[0].threshold", Double.toString(THRESHOLD));
		args.put("mqlab.monitoring.rules[0].for", FOR.toSeconds() + "s");
		args.put("mqlab.monitoring.rules[0].webhooks[0]", "bench");
		args.putAll(TestBroker.redisProperties());
		args.putAll(broker.properties(run));
		ConfigurableApplicationContext context = MonitoringServiceApplication.builder()
			.run(args.entrySet().stream().map((e) -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
		try {
			Messaging messaging = context.getBean(Messaging.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			Http api = new Http(((WebServerApplicationContext) context).getWebServer().getPort());
			// steady state only: the load starts once a first batch went all the way
			// (a Kafka consumer has its partitions, every engine has started)
			String warmUp = run + "-warm-up";
			messaging.publish("metrics-" + run, warmUp, new MetricsSampled("bench-service", warmUp, "bench-host", 1L,
					Instant.now(), 1, List.of(new Sample("bench.s1", 1.0, Map.of()))));
			await().atMost(Duration.ofMinutes(2))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> api.get("/metrics/instances").body().get("instances").toString().contains(warmUp));
			// each instance crosses once, at a time spread over the load's first half
			Map<String, Long> crossesAt = new LinkedHashMap<>();
			long start = System.currentTimeMillis() + 1000;
			for (int i = 0; i < instances; i++) {
				crossesAt.put(instance(run, i),
						start + 1000L * (1 + (i * (long) Math.max(1, seconds / 2 - 1)) / instances));
			}
			double appliedBefore = applied(meters);
			long worstLag = 0;
			Random random = new Random(42);
			long sent = 0;
			for (int tick = 0; tick < seconds; tick++) {
				long at = start + tick * 1000L;
				long wait = at - System.currentTimeMillis();
				if (wait > 0) {
					// paces the load generator at one batch per instance a second
					Thread.sleep(wait);
				}
				List<OutgoingMessage> batch = new ArrayList<>(instances);
				for (int i = 0; i < instances; i++) {
					String id = instance(run, i);
					List<Sample> samples = new ArrayList<>(series);
					samples.add(new Sample("bench.trigger", (at >= crossesAt.get(id)) ? 2 * THRESHOLD : 0.0, Map.of()));
					for (int s = 1; s < series; s++) {
						samples.add(new Sample("bench.s" + s, random.nextDouble() * 100, Map.of()));
					}
					batch.add(OutgoingMessage.of("metrics-" + run, id, new MetricsSampled("bench-service", id,
							"bench-host", 1000L + i, Instant.ofEpochMilli(at), 1, samples)));
				}
				messaging.publishAll(batch);
				sent += (long) instances * series;
				if (tick % 5 == 4) {
					worstLag = Math.max(worstLag, lagMillis(api, crossesAt.keySet(), start));
				}
			}
			long loadEnded = System.currentTimeMillis();
			double appliedDuringLoad = applied(meters) - appliedBefore;
			await().atMost(Duration.ofMinutes(5))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> notifiedAt.size() >= instances);
			long drained = System.currentTimeMillis();
			List<Long> delays = new ArrayList<>();
			crossesAt.forEach((id, crossed) -> delays.add(notifiedAt.get(id) - (crossed + FOR.toMillis())));
			delays.sort(null);
			System.out.printf(
					"%n%s (%s engine): %d instances x %d series at 1 Hz for %d s: sent %.0f samples/s, applied %.0f/s"
							+ " during the load; worst lag of an instance's last sample %d ms; every crossing notified"
							+ " %.1f s after the load (load average %.1f on %d cores)%n"
							+ "  crossing -> notification (after the %d s period): p50 %d ms  p99 %d ms  max %d ms%n",
					backend, engine, instances, series, seconds, sent / (double) seconds,
					appliedDuringLoad / (loadEnded - start) * 1000, worstLag, (drained - loadEnded) / 1000.0,
					java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
					Runtime.getRuntime().availableProcessors(), FOR.toSeconds(), percentile(delays, 0.50),
					percentile(delays, 0.99), delays.get(delays.size() - 1));
			assertThat(notifiedAt).hasSize(instances);
		}
		finally {
			context.close();
			webhook.stop(0);
			broker.removeState(run, Map.of("metrics-" + run, "monitoring-" + run, "alerts-" + run, "notifier-" + run));
			broker.close();
			TestBroker.deleteRedisKeys("mon-" + run + "*");
		}
	}

	private static String instance(String run, int i) {
		return run + "-i" + i;
	}

	/** Samples the engine stored, by its counter (NaN-free: 0 when it has none). */
	private static double applied(MeterRegistry meters) {
		Counter counter = meters.find("monitoring.samples").tag("outcome", "applied").counter();
		return (counter != null) ? counter.count() : 0;
	}

	/**
	 * How far the most behind instance's last stored sample trails the clock (one not
	 * stored yet: since the load started).
	 */
	private static long lagMillis(Http api, Set<String> instances, long start) {
		Map<String, Long> lastSampleAt = new HashMap<>();
		for (JsonNode node : api.get("/metrics/instances").body().get("instances")) {
			lastSampleAt.put(node.get("instance").asString(),
					Instant.parse(node.get("lastSampleAt").asString()).toEpochMilli());
		}
		long oldest = instances.stream().mapToLong((id) -> lastSampleAt.getOrDefault(id, start)).min().orElse(start);
		return System.currentTimeMillis() - oldest;
	}

	/** Records when the first FIRING notification of each instance arrived. */
	private static HttpServer webhook(Map<String, Long> notifiedAt) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/", (exchange) -> {
			long now = System.currentTimeMillis();
			try (InputStream in = exchange.getRequestBody()) {
				JsonNode body = JsonMapper.shared().readTree(in.readAllBytes());
				if ("FIRING".equals(body.path("to").asString())) {
					notifiedAt.putIfAbsent(body.path("labels").path("instance").asString(), now);
				}
			}
			exchange.sendResponseHeaders(204, -1);
			exchange.close();
		});
		// the JDK server's own dispatcher thread: one webhook call at a time, as it needs
		server.start();
		return server;
	}

	private static long percentile(List<Long> sorted, double p) {
		return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
	}

}
