package io.mqlab.monitoring.alert;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.listener.MessageListener;
import io.mqlab.monitoring.MonitoringSettings;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Sends each alert transition to the webhooks its rule names, once: a call that succeeded
 * is remembered per dedup key and webhook (so a redelivery or a second publish of the
 * same transition is not sent again), and one webhook at a time holds a short lease on
 * it. A failing call fails the handler: the library retries it with backoff
 * ({@code mqlab.monitoring.notify.*}), then dead-letters the transition. URLs come from
 * configuration only ({@code mqlab.monitoring.webhooks.<name>}).
 */
@Component
class AlertNotifier {

	private final RedisAlerts store;

	private final MonitoringSettings settings;

	private final Clock clock;

	private final MeterRegistry registry;

	private final JsonMapper json = JsonMapper.shared();

	private final HttpClient http;

	AlertNotifier(RedisAlerts store, MonitoringSettings settings, Clock clock, MeterRegistry registry) {
		this.store = store;
		this.settings = settings;
		this.clock = clock;
		this.registry = registry;
		this.http = HttpClient.newBuilder()
			.connectTimeout(settings.webhookTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	@MessageListener(topic = "${mqlab.monitoring.alerts-topic:alerts}",
			group = "${mqlab.monitoring.notifier-group:monitoring-notifier}",
			maxAttempts = "${mqlab.monitoring.notify.max-attempts:6}",
			initialDelay = "${mqlab.monitoring.notify.initial-delay:500ms}",
			maxDelay = "${mqlab.monitoring.notify.max-delay:10s}")
	void onTransition(AlertTransitioned transition) throws Exception {
		if (transition.dedupKey() == null || transition.webhooks() == null || transition.labels() == null) {
			throw new IllegalArgumentException("Not an alert transition: no dedup key, webhooks or labels");
		}
		boolean silenced = this.store.silences()
			.values()
			.stream()
			.anyMatch((silence) -> silence.mutes(transition.labels(), this.clock.instant()));
		if (silenced) {
			this.registry.counter("monitoring.notifications", "outcome", "silenced").increment();
			return;
		}
		for (String webhook : transition.webhooks()) {
			URI url = this.settings.webhooks().get(webhook);
			if (url == null || this.store.notified(transition.dedupKey(), webhook)) {
				continue;
			}
			if (!this.store.claim(transition.dedupKey(), webhook, this.settings.webhookTimeout().multipliedBy(3))) {
				throw new IllegalStateException(
						"Another instance is notifying " + webhook + " of " + transition.dedupKey() + " right now");
			}
			try {
				send(url, webhook, transition);
				this.store.markNotified(transition.dedupKey(), webhook);
				this.registry.counter("monitoring.notifications", "outcome", "sent", "webhook", webhook).increment();
			}
			catch (Exception ex) {
				this.registry.counter("monitoring.notifications", "outcome", "failed", "webhook", webhook).increment();
				throw ex;
			}
			finally {
				this.store.release(transition.dedupKey(), webhook);
			}
		}
	}

	private void send(URI url, String webhook, AlertTransitioned transition) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(url)
			.timeout(this.settings.webhookTimeout())
			.header("Content-Type", "application/json")
			// lets the receiver dedupe too
			.header("Idempotency-Key", transition.dedupKey())
			.POST(HttpRequest.BodyPublishers.ofString(this.json.writeValueAsString(transition)))
			.build();
		HttpResponse<Void> response = this.http.send(request, HttpResponse.BodyHandlers.discarding());
		if (response.statusCode() / 100 != 2) {
			throw new IllegalStateException(
					"Webhook " + webhook + " answered " + response.statusCode() + " to " + transition.dedupKey());
		}
	}

}
