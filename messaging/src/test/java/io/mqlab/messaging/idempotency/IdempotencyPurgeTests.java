package io.mqlab.messaging.idempotency;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.mqlab.messaging.contract.ContractApplication;
import io.mqlab.messaging.contract.TestBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The idempotency records are purged on a schedule, only those older than the retention;
 * a retention shorter than a redelivery window the library knows of fails start-up.
 */
class IdempotencyPurgeTests {

	private final List<ConfigurableApplicationContext> contexts = new CopyOnWriteArrayList<>();

	private String group;

	@BeforeAll
	static void requireBrokers() {
		TestBrokers.postgres();
		TestBrokers.redis();
	}

	@BeforeEach
	void uniqueGroup() {
		this.group = "purge-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void recordsOlderThanTheRetentionArePurgedOnScheduleAndNoOthers() {
		ConfigurableApplicationContext context = context(Map.of("mqlab.messaging.idempotency.purge-interval", "200ms"));
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		UUID old = record(jdbc, "8 days");
		UUID young = record(jdbc, "6 days");
		UUID now = record(jdbc, "0 days");
		// Inserted after the purge at start: removed by a later pass (every 200 ms).
		await().atMost(Duration.ofSeconds(30)).until(() -> ids(jdbc).size() == 2);
		assertThat(ids(jdbc)).containsExactlyInAnyOrder(young, now).doesNotContain(old);
		UUID another = record(jdbc, "10 days");
		await().atMost(Duration.ofSeconds(30)).until(() -> !ids(jdbc).contains(another));
		assertThat(ids(jdbc)).containsExactlyInAnyOrder(young, now);
	}

	@Test
	void aRetentionShorterThanTheStreamsRetentionFailsStartup() {
		assertThatThrownBy(() -> context(Map.of("mqlab.messaging.idempotency.retention", "12h")))
			.hasStackTraceContaining("mqlab.messaging.idempotency.retention (PT12H) is shorter than "
					+ "mqlab.messaging.redis.retention (PT24H)");
	}

	private UUID record(JdbcTemplate jdbc, String age) {
		UUID id = UUID.randomUUID();
		jdbc.update("INSERT INTO mqlab_processed_message (group_name, message_id, processed_at) "
				+ "VALUES (?, ?, now() - CAST(? AS interval))", this.group, id, age);
		return id;
	}

	private List<UUID> ids(JdbcTemplate jdbc) {
		return jdbc.queryForList("SELECT message_id FROM mqlab_processed_message WHERE group_name = ?", UUID.class,
				this.group);
	}

	private ConfigurableApplicationContext context(Map<String, Object> extra) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.main.banner-mode", "off");
		properties.put("spring.datasource.url", TestBrokers.postgres().jdbcUrl());
		properties.put("spring.datasource.password", TestBrokers.postgres().password());
		properties.put("spring.datasource.username", TestBrokers.postgres().username());
		properties.put("spring.flyway.enabled", false);
		properties.put("mqlab.messaging.backend", "redis");
		properties.put("mqlab.messaging.outbox.relay-enabled", false);
		properties.put("spring.data.redis.host", TestBrokers.redis().host());
		properties.put("spring.data.redis.port", TestBrokers.redis().port());
		properties.putAll(extra);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ContractApplication.class)
			.web(WebApplicationType.NONE)
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

}
