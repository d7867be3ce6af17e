package io.mqlab.monitoring.page;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.mqlab.monitoring.MonitoringSettings;
import io.mqlab.monitoring.alert.AlertEngine;
import io.mqlab.monitoring.metrics.RedisMetrics;
import io.mqlab.support.Problems;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-sent events for the live page: every {@code page-interval} one snapshot (the
 * instances with their latest values, the alerts) to every connected page, read from
 * Redis, so a page sees what every instance of the service processed. At most
 * {@code max-page-clients} pages at once; each connection ends after 30 minutes (the
 * browser reconnects).
 */
@RestController
class LiveFeed {

	static final int MAX_INSTANCES = 50;

	private final Set<SseEmitter> emitters = ConcurrentHashMap.newKeySet();

	private final RedisMetrics metrics;

	private final AlertEngine alerts;

	private final MonitoringSettings settings;

	private final Clock clock;

	LiveFeed(RedisMetrics metrics, AlertEngine alerts, MonitoringSettings settings, Clock clock) {
		this.metrics = metrics;
		this.alerts = alerts;
		this.settings = settings;
		this.clock = clock;
	}

	@GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	ResponseEntity<Object> events() throws IOException {
		if (this.emitters.size() >= this.settings.maxPageClients()) {
			return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.body(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "too-many-clients", "Too many live pages",
						this.settings.maxPageClients() + " pages are connected (mqlab.monitoring.max-page-clients)",
						Map.of()));
		}
		SseEmitter emitter = new SseEmitter(Duration.ofMinutes(30).toMillis());
		emitter.onCompletion(() -> this.emitters.remove(emitter));
		emitter.onTimeout(() -> this.emitters.remove(emitter));
		emitter.onError((ex) -> this.emitters.remove(emitter));
		this.emitters.add(emitter);
		send(emitter, snapshot());
		return ResponseEntity.ok(emitter);
	}

	@Scheduled(fixedDelayString = "${mqlab.monitoring.page-interval:2s}")
	void push() {
		if (this.emitters.isEmpty()) {
			return;
		}
		Map<String, Object> snapshot = snapshot();
		this.emitters.forEach((emitter) -> send(emitter, snapshot));
	}

	int clients() {
		return this.emitters.size();
	}

	private void send(SseEmitter emitter, Map<String, Object> snapshot) {
		try {
			emitter.send(SseEmitter.event().name("snapshot").data(snapshot, MediaType.APPLICATION_JSON));
		}
		catch (IOException | IllegalStateException ex) {
			// the page went away
			this.emitters.remove(emitter);
			emitter.completeWithError(ex);
		}
	}

	Map<String, Object> snapshot() {
		List<Map<String, Object>> instances = this.metrics.instances(MAX_INSTANCES).stream().map((instance) -> {
			Map<String, Object> view = new LinkedHashMap<>();
			view.put("instance", instance.instance());
			view.put("service", instance.service());
			view.put("host", instance.host());
			view.put("pid", instance.pid());
			view.put("lastSampleAt", instance.lastSampleAt());
			Map<String, Double> latest = new LinkedHashMap<>();
			this.metrics.latest(instance.instance()).forEach((id, value) -> latest.put(id, value.value()));
			view.put("latest", latest);
			return view;
		}).toList();
		Map<String, Object> snapshot = new LinkedHashMap<>();
		snapshot.put("at", this.clock.instant());
		snapshot.put("instances", instances);
		snapshot.put("alerts", this.alerts.current(this.clock.millis()));
		return snapshot;
	}

}
