package io.mqlab.cdc;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.messaging.contract.TestBrokers;
import io.mqlab.support.Http;
import io.mqlab.support.MalformedRequests;
import io.mqlab.support.MalformedRequests.Endpoint;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RedisCdcServiceTests extends CdcServiceTests {

	RedisCdcServiceTests() {
		super(TestBroker.of("redis"));
	}

	/**
	 * The heartbeat writes to a table in the publication, so the slot's position moves on
	 * while the catalog is idle and another database fills the WAL. Once, not per
	 * backend.
	 */
	@Test
	@Order(7)
	void retainedWalStaysBoundedWhileTheCatalogIsIdle() throws Exception {
		String table = "wal_filler_" + this.run;
		TestBrokers.Broker postgres = TestBrokers.postgres();
		try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(),
				postgres.password()); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE " + table + " (id int, filler text)");
			try {
				// about 32 MB of WAL in another database
				statement.execute("INSERT INTO " + table
						+ " SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 100000) g");
				// PostgreSQL moves a logical slot's restart_lsn only at a record of the
				// running transactions past the confirmed position, which it logs every
				// 15 s and at a checkpoint: one now rather than waiting for the next (the
				// heartbeat still has to move the confirmed position past it)
				statement.execute("CHECKPOINT");
				await().atMost(Duration.ofSeconds(90))
					.pollInterval(Duration.ofMillis(500))
					.untilAsserted(() -> assertThat(
							new Http(port()).get("/cdc/status").body().get("slot").get("retainedWalBytes").asLong())
						.isLessThan(16L * 1024 * 1024));
			}
			finally {
				statement.execute("DROP TABLE " + table);
			}
		}
	}

	/** Once, not per backend: the endpoints read the sinks, not the broker. */
	@Test
	@Order(6)
	void noMalformedRequestGetsAServerError() throws IOException {
		List<MalformedRequests.Answer> answers = MalformedRequests.send(port(),
				List.of(Endpoint.get("/search/products", Map.of(),
						Map.of("q", "camera", "tag", "g1", "minPrice", "1", "maxPrice", "50", "size", "5")),
						Endpoint.get("/cache/products/{sku}", Map.of("sku", "SNAP-1"), Map.of()),
						Endpoint.get("/cdc/consistency", Map.of(), Map.of("page", "0", "size", "5")),
						Endpoint.get("/cdc/status", Map.of(), Map.of())));
		assertThat(answers).hasSizeGreaterThan(100);
		assertThat(answers).filteredOn((answer) -> answer.status() >= 500).isEmpty();
	}

}
