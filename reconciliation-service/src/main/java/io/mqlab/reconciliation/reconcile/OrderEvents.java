package io.mqlab.reconciliation.reconcile;

import java.util.ArrayList;
import java.util.List;

import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.Subscription;
import io.mqlab.messaging.idempotency.IdempotentConsumer;
import tools.jackson.databind.JsonNode;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Listens to both services' topics in this service's own group. The idempotent consumer
 * records each message id with the event, so a redelivered event never counts twice.
 */
@Component
class OrderEvents implements SmartLifecycle {

	private final Messaging messaging;

	private final IdempotentConsumer idempotent;

	private final Reconciler reconciler;

	private final ReconciliationSettings settings;

	private final List<Subscription> subscriptions = new ArrayList<>();

	OrderEvents(Messaging messaging, IdempotentConsumer idempotent, Reconciler reconciler,
			ReconciliationSettings settings) {
		this.messaging = messaging;
		this.idempotent = idempotent;
		this.reconciler = reconciler;
		this.settings = settings;
	}

	@Override
	public synchronized void start() {
		this.subscriptions.add(subscribe(this.settings.legacyTopic(), Side.LEGACY));
		this.subscriptions.add(subscribe(this.settings.newTopic(), Side.NEW));
	}

	private Subscription subscribe(String topic, Side side) {
		return this.messaging.subscribe(topic, this.settings.group(), JsonNode.class, this.idempotent.wrap((event,
				context) -> this.reconciler.record(side, context.envelope().payload(), context.envelope().id())));
	}

	@Override
	public synchronized void stop() {
		this.subscriptions.forEach(Subscription::stop);
		this.subscriptions.clear();
	}

	@Override
	public synchronized boolean isRunning() {
		return !this.subscriptions.isEmpty();
	}

}
