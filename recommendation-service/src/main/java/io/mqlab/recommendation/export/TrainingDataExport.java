package io.mqlab.recommendation.export;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.listener.MessageListenerRegistry;
import io.mqlab.recommendation.RecommendationSettings;
import io.mqlab.recommendation.aggregate.ClickCounted;
import io.mqlab.recommendation.aggregate.RedisAggregates;
import io.mqlab.recommendation.aggregate.Scoring;
import io.mqlab.recommendation.click.Clicked;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Writes training data under {@code mqlab.recommendation.data-dir}: every click counted
 * ({@code clicks/date=.../}, by event date) and every closed one-minute trending bucket
 * ({@code trending/date=.../}, by bucket date), as gzip JSON Lines. Each instance writes
 * its own files; a bucket is exported by one instance only (claimed in Redis). Files are
 * closed every {@code export-rotation}, so at most that much is lost when the process
 * dies; a click counted by one instance is written by that one only.
 */
@Component
class TrainingDataExport implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(TrainingDataExport.class);

	private final JsonLinesFiles files;

	private final RedisAggregates aggregates;

	private final Scoring scoring;

	private final Clock clock;

	private final JsonMapper json;

	private final MeterRegistry meters;

	private volatile boolean running;

	/** Buckets up to this one were claimed by some instance already. */
	private Instant scannedUpTo = Instant.EPOCH;

	TrainingDataExport(RecommendationSettings settings, RedisAggregates aggregates, Scoring scoring, Clock clock,
			JsonMapper json, MeterRegistry meters) {
		this.files = new JsonLinesFiles(settings.dataDir(),
				(settings.instanceId() != null) ? settings.instanceId() : defaultInstance());
		this.aggregates = aggregates;
		this.scoring = scoring;
		this.clock = clock;
		this.json = json;
		this.meters = meters;
	}

	@EventListener
	void onClickCounted(ClickCounted counted) {
		Clicked click = counted.click();
		append("clicks", click.at(), this.json.writeValueAsString(click));
	}

	@Scheduled(fixedDelayString = "${mqlab.recommendation.export-rotation:1m}",
			initialDelayString = "${mqlab.recommendation.export-rotation:1m}")
	void rotate() {
		this.files.rotate();
	}

	/** Exports the buckets of the last two hours that closed and nobody exported yet. */
	@Scheduled(fixedDelayString = "${mqlab.recommendation.export-scan:15s}")
	int exportClosedBuckets() {
		if (!this.running) {
			return 0;
		}
		Instant now = this.clock.instant();
		int exported = 0;
		for (Instant minute : Scoring.window(java.time.Duration.ofHours(2), now)) {
			if (!minute.isAfter(this.scannedUpTo) || !this.scoring.isClosed(minute, now)) {
				continue;
			}
			this.scannedUpTo = minute;
			if (this.aggregates.claimExport(minute)) {
				Map<String, Double> bucket = this.aggregates.bucket(minute);
				for (Map.Entry<String, Double> entry : bucket.entrySet()) {
					Map<String, Object> line = new LinkedHashMap<>();
					line.put("windowStart", minute.toString());
					line.put("windowEnd", minute.plus(Scoring.BUCKET).toString());
					line.put("sku", entry.getKey());
					line.put("score", entry.getValue());
					append("trending", minute, this.json.writeValueAsString(line));
				}
				exported++;
			}
		}
		return exported;
	}

	private void append(String dataset, Instant at, String line) {
		this.files.append(dataset, at.atZone(ZoneOffset.UTC).toLocalDate(), line);
		Counter.builder("recommendation.export.lines")
			.description("Training data lines written")
			.tag("dataset", dataset)
			.register(this.meters)
			.increment();
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.files.close();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stops after the aggregators (listeners or Kafka Streams), so the last clicks are in
	 * the files.
	 */
	@Override
	public int getPhase() {
		return MessageListenerRegistry.PHASE - 100;
	}

	private static String defaultInstance() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (Exception ex) {
			logger.debug("No host name, using localhost", ex);
			host = "localhost";
		}
		return host.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + ManagementFactory.getRuntimeMXBean().getPid();
	}

}
