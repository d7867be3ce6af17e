package io.mqlab.recommendation.aggregate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mqlab.messaging.MessageContext;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.RetrySettings;
import io.mqlab.messaging.SubscriptionSpec;
import io.mqlab.messaging.Subscription;
import io.mqlab.messaging.autoconfigure.MessagingProperties;
import io.mqlab.recommendation.RecommendationSettings;
import io.mqlab.recommendation.click.Clicked;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The stream-processing step: reads clicks and orders in this service's group and applies
 * what {@link Scoring} makes of each to the shared state in Redis. Clicks are keyed by
 * user, so one user's clicks are handled one after the other (the broker's per-key
 * order), which is what makes reading the session before writing safe. Every instance of
 * the service joins the same group and so takes a share of the stream.
 */
@Component
class Aggregator implements SmartLifecycle {

	private final Messaging messaging;

	private final RetrySettings retry;

	private final RecommendationSettings settings;

	private final Scoring scoring;

	private final RedisAggregates aggregates;

	private final Clock clock;

	private final ApplicationEventPublisher events;

	private final MeterRegistry meters;

	private final Timer clickToState;

	private final List<Subscription> subscriptions = new ArrayList<>();

	Aggregator(Messaging messaging, MessagingProperties messagingProperties, RecommendationSettings settings,
			Scoring scoring, RedisAggregates aggregates, Clock clock, ApplicationEventPublisher events,
			MeterRegistry meters) {
		this.messaging = messaging;
		this.retry = messagingProperties.getRetry().toSettings();
		this.settings = settings;
		this.scoring = scoring;
		this.aggregates = aggregates;
		this.clock = clock;
		this.events = events;
		this.meters = meters;
		this.clickToState = Timer.builder("recommendation.click.aggregated.delay")
			.description("From publishing a click to its effects being in the aggregates")
			.publishPercentileHistogram()
			.register(meters);
	}

	void onClick(Clicked click, MessageContext context) {
		requireValid(click);
		Instant now = this.clock.instant();
		Effects.SessionRef session = new Effects.SessionRef(click.userId(), click.sessionId());
		Effects effects = this.scoring.onClick(click, this.aggregates.sessionSkus(session), now);
		boolean applied = this.aggregates.apply(effects);
		count("click", applied, effects);
		if (applied) {
			this.clickToState.record(Duration.between(context.envelope().timestamp(), Instant.now()));
			this.events.publishEvent(new ClickCounted(click));
		}
	}

	void onOrder(OrderPlaced order, MessageContext context) {
		if (order.orderId() == null || order.customerId() == null || order.items() == null
				|| order.items().stream().anyMatch((line) -> line == null || line.sku() == null)) {
			throw new IllegalArgumentException(
					"OrderPlaced without orderId, customerId or item skus: " + context.envelope().payload());
		}
		Effects effects = this.scoring.onOrder(order, this.clock.instant());
		count("order", this.aggregates.apply(effects), effects);
	}

	private void count(String kind, boolean applied, Effects effects) {
		String outcome = applied ? "applied" : "duplicate";
		Counter.builder("recommendation.events")
			.description("Events aggregated, and redeliveries that changed nothing")
			.tag("kind", kind)
			.tag("outcome", outcome)
			.register(this.meters)
			.increment();
		if (applied && effects.trending().isEmpty() && !effects.interests().isEmpty()) {
			Counter.builder("recommendation.events.too.late.for.trending")
				.tag("kind", kind)
				.register(this.meters)
				.increment();
		}
	}

	/** A malformed click is retried and then dead-lettered, never dropped silently. */
	private static void requireValid(Clicked click) {
		if (click.clickId() == null || click.userId() == null || click.sku() == null || click.type() == null
				|| click.at() == null) {
			throw new IllegalArgumentException("Clicked without clickId, userId, sku, type or at: " + click);
		}
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
