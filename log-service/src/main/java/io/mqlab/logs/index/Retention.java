package io.mqlab.logs.index;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.opensearch.client.opensearch.OpenSearchClient;

import org.springframework.scheduling.annotation.Scheduled;

/**
 * Deletes the daily indices whose whole day is older than {@code mqlab.logs.retention}.
 */
public class Retention {

	private static final Log logger = LogFactory.getLog(Retention.class);

	private final OpenSearchClient client;

	private final LogIndices indices;

	private final Duration retention;

	private final Clock clock;

	public Retention(OpenSearchClient client, LogIndices indices, Duration retention, Clock clock) {
		this.client = client;
		this.indices = indices;
		this.retention = retention;
		this.clock = clock;
	}

	@Scheduled(initialDelayString = "${mqlab.logs.retention-check:1h}",
			fixedDelayString = "${mqlab.logs.retention-check:1h}")
	public void scheduled() {
		try {
			apply();
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Could not apply the log retention, trying again later: " + ex);
		}
	}

	/** Deletes the expired indices; returns their names. */
	public List<String> apply() throws IOException {
		LocalDate oldestKept = this.clock.instant().minus(this.retention).atZone(ZoneOffset.UTC).toLocalDate();
		List<String> deleted = new ArrayList<>();
		for (String index : this.indices.list()) {
			LocalDate day = this.indices.dayOf(index);
			if (day != null && day.isBefore(oldestKept)) {
				this.client.indices().delete((delete) -> delete.index(index).ignoreUnavailable(true));
				deleted.add(index);
			}
		}
		if (!deleted.isEmpty()) {
			logger.info("Deleted log indices older than " + this.retention + ": " + deleted);
		}
		return deleted;
	}

}
