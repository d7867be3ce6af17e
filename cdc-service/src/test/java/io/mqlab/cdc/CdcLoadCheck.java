package io.mqlab.cdc;

import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import org.junit.jupiter.api.Test;
import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.support.Http;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The full volume, outside the default suite (surefire does not match
 * {@code *Check}): 20,000 changes on one backend ({@code -Dmqlab.check.backend}, default
 * redis) — one 10,000-row import in one transaction, multi-row inserts, single-row
 * updates in quick succession and deletes — then every sink equals the source row by row.
 * Prints changes/s and the commit-to-applied lag p50/p99 per sink. <pre>
 * ./mvnw -B -ntp -pl cdc-service -am verify -Dtest=CdcLoadCheck -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class CdcLoadCheck {

	@Test
	void twentyThousandChangesEndEqualRowByRow() throws Exception {
		String run = "k" + UUID.randomUUID().toString().substring(0, 8);
		TestBroker broker = TestBroker.of(System.getProperty("mqlab.check.backend", "redis"));
		try (CatalogDatabase catalog = new CatalogDatabase(run)) {
			Map<String, String> args = new LinkedHashMap<>();
			args.put("spring.profiles.active", broker.backend());
			args.put("server.port", "0");
			args.put("mqlab.cdc.topic", "cdc-" + run);
			args.put("mqlab.cdc.sinks.cache.key-prefix", "cdc-" + run);
			args.put("mqlab.cdc.sinks.search.index", "products-" + run);
			args.put("mqlab.cdc.sinks.search.url", TestSinks.opensearchUrl());
			args.put("mqlab.cdc.sinks.replica.url", TestSinks.mariadbUrl("cdc_" + run));
			args.putAll(TestBroker.redisProperties());
			args.putAll(broker.properties(run));
			args.putAll(catalog.properties());
			ConfigurableApplicationContext context = CdcServiceApplication.builder()
				.run(args.entrySet()
					.stream()
					.map((e) -> "--" + e.getKey() + "=" + e.getValue())
					.toArray(String[]::new));
			try {
				Http api = new Http(((WebServerApplicationContext) context).getWebServer().getPort());
				long started = System.nanoTime();
				int changes = 0;
				catalog.insert(CatalogDatabase.products("IMP-", 0, 10_000));
				changes += 10_000;
				ThreadLocalRandom random = ThreadLocalRandom.current();
				try (Connection connection = catalog.connect()) {
					while (changes < 20_000) {
						String sku = "IMP-" + random.nextInt(10_000);
						switch (changes % 5) {
							case 0 -> {
								for (int k = 0; k < 3; k++) {
									catalog.updatePrice(connection, sku,
											BigDecimal.valueOf(random.nextInt(1, 100_000), 2));
								}
								changes += 3;
							}
							case 1 -> {
								catalog.insert(CatalogDatabase.products("MULTI-", changes, 20));
								changes += 20;
							}
							case 2 -> {
								catalog.delete(connection, sku);
								changes++;
							}
							default -> {
								catalog.updateText(connection, sku, "text " + changes, random.nextInt(100));
								changes++;
							}
						}
					}
				}
				JsonNode report = await().atMost(Duration.ofMinutes(15))
					.pollInterval(Duration.ofSeconds(2))
					.until(() -> api.get("/cdc/consistency").body(), (r) -> r.path("consistent").asBoolean(false));
				double seconds = (System.nanoTime() - started) / 1e9;
				System.out.printf("%n%s: %d changes written and applied by all sinks in %.1f s (%.0f changes/s)%n",
						broker.backend(), changes, seconds, changes / seconds);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				for (String sink : List.of("cache", "search", "replica")) {
					Timer lag = meters.get("cdc.sink.lag").tag("sink", sink).timer();
					ValueAtPercentile[] p = lag.takeSnapshot().percentileValues();
					System.out.printf("  %-8s lag p50 %6.0f ms  p99 %6.0f ms  (max %6.0f ms)%n", sink,
							p[0].value(TimeUnit.MILLISECONDS), p[1].value(TimeUnit.MILLISECONDS),
							lag.max(TimeUnit.MILLISECONDS));
				}
				assertThat(report.get("sourceRows").asLong()).isEqualTo(catalog.rows().size());
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

}
