package io.mqlab.recommendation.aggregate;

import java.util.ArrayList;
import java.util.List;

import io.mqlab.messaging.MessageContext;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.RetrySettings;
import io.mqlab.messaging.Subscription;
import io.mqlab.messaging.SubscriptionSpec;
import io.mqlab.messaging.autoconfigure.MessagingProperties;
import io.mqlab.recommendation.RecommendationSettings;
import io.mqlab.recommendation.click.Clicked;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The stream-processing step on any backend: reads clicks and orders through the
 * messaging library in this service's group and hands each to the
 * {@link AggregateWriter}; sessions live in Redis. Clicks are keyed by user, so one
 * user's clicks are handled one after the other (the broker's per-key order), which is
 * what makes reading the session before writing safe. Every instance of the service joins
 * the same group and so takes a share of the stream.
 */
@Component
@ConditionalOnProperty(name = "mqlab.recommendation.engine", havingValue = "messaging", matchIfMissing = true)
class Aggregator implements SmartLifecycle {

	private final Messaging messaging;

	private final RetrySettings retry;

	private final RecommendationSettings settings;

	private final RedisAggregates aggregates;

	private final AggregateWriter writer;

	private final List<Subscription> subscriptions = new ArrayList<>();

	Aggregator(Messaging messaging, MessagingProperties messagingProperties, RecommendationSettings settings,
			RedisAggregates aggregates, AggregateWriter writer) {
		this.messaging = messaging;
		this.retry = messagingProperties.getRetry().toSettings();
		this.settings = settings;
		this.aggregates = aggregates;
		this.writer = writer;
	}

	void onClick(Clicked click, MessageContext context) {
		AggregateWriter.requireValid(click);
		Effects.SessionRef session = new Effects.SessionRef(click.userId(), click.sessionId());
		this.writer.click(click, this.aggregates.sessionSkus(session), context.envelope().timestamp(), true);
	}

	void onOrder(OrderPlaced order, MessageContext context) {
		this.writer.order(order);
	}

	@Override
	public synchronized void start() {
		int concurrency = Math.max(1, this.settings.concurrency());
		this.subscriptions.add(this.messaging.subscribe(
				new SubscriptionSpec(this.settings.clicksTopic(), this.settings.group(), concurrency), Clicked.class,
				this.retry, this::onClick));
		this.subscriptions.add(this.messaging.subscribe(
				new SubscriptionSpec(this.settings.ordersTopic(), this.settings.group(), concurrency),
				OrderPlaced.class, this.retry, this::onOrder));
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

	/** Stops before the export closes its files. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 100;
	}

}
