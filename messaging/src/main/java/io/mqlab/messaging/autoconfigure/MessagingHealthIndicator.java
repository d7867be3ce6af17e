package io.mqlab.messaging.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mqlab.messaging.Backend;
import io.mqlab.messaging.BrokerProbe;
import io.mqlab.messaging.listener.ListenerState;
import io.mqlab.messaging.listener.MessageListenerRegistry;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the chosen broker and of this service's listeners, reported as the
 * {@code messaging} component: DOWN when the broker does not answer, or when a listener
 * that should consume does not (nothing would flow while the broker looks fine).
 */
final class MessagingHealthIndicator extends AbstractHealthIndicator {

	private final Backend backend;

	private final BrokerProbe probe;

	private final MessageListenerRegistry listeners;

	MessagingHealthIndicator(Backend backend, BrokerProbe probe, MessageListenerRegistry listeners) {
		super("Messaging broker check failed");
		this.backend = backend;
		this.probe = probe;
		this.listeners = listeners;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		builder.withDetail("backend", this.backend.id()).withDetail("location", this.probe.location());
		boolean listenersDown = false;
		if (this.listeners != null) {
			List<ListenerState> states = this.listeners.listeners();
			if (!states.isEmpty()) {
				builder.withDetail("listeners", states.stream().map(MessagingHealthIndicator::describe).toList());
			}
			listenersDown = this.listeners.isRunning() && states.stream().anyMatch((state) -> !state.running());
		}
		this.probe.check();
		if (listenersDown) {
			builder.down().withDetail("reason", "a listener is not consuming");
		}
		else {
			builder.up();
		}
	}

	private static Map<String, Object> describe(ListenerState state) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("listener", state.id());
		details.put("topic", state.topic());
		details.put("group", state.group());
		details.put("concurrency", state.concurrency());
		details.put("running", state.running());
		if (state.backlog() != null) {
			details.put("backlog", state.backlog().messages());
			details.put("backlogAgeSeconds", state.backlog().age().toSeconds());
		}
		return details;
	}

}
