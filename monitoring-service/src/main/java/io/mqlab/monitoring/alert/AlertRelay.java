package io.mqlab.monitoring.alert;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.OutgoingMessage;
import io.mqlab.monitoring.MonitoringSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Publishes the transitions queued in Redis (the outbox the state writes fill) to
 * {@code alerts}, then takes them off the queue. A crash in between publishes one again:
 * under the same message id and dedup key, which the notifier and any consumer dedupe on.
 */
@Component
class AlertRelay {

	private static final Log logger = LogFactory.getLog(AlertRelay.class);

	private static final int BATCH = 100;

	private final RedisAlerts store;

	private final Messaging messaging;

	private final MonitoringSettings settings;

	AlertRelay(RedisAlerts store, Messaging messaging, MonitoringSettings settings) {
		this.store = store;
		this.messaging = messaging;
		this.settings = settings;
	}

	@Scheduled(fixedDelayString = "${mqlab.monitoring.relay-interval:200ms}")
	void relay() {
		for (String entry : this.store.outbox(BATCH)) {
			AlertTransitioned transition = this.store.transition(entry);
			try {
				this.messaging.publish(OutgoingMessage.of(this.settings.alertsTopic(), transition.alert(), transition)
					.withId(messageId(transition.dedupKey())));
			}
			catch (RuntimeException ex) {
				logger.warn("Cannot publish alert transition " + transition.dedupKey() + " (will retry): " + ex);
				return;
			}
			this.store.published(entry);
		}
	}

	/** The same id for every publish of a transition. */
	static UUID messageId(String dedupKey) {
		return UUID.nameUUIDFromBytes(dedupKey.getBytes(StandardCharsets.UTF_8));
	}

}
