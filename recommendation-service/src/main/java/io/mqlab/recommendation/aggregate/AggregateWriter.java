package io.mqlab.recommendation.aggregate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mqlab.recommendation.click.Clicked;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * What every engine does with an event once it has it: {@link Scoring} decides the
 * effects, {@link RedisAggregates} applies them once, and the outcome is counted. The
 * engines differ only in how events reach it and where a session's products are kept.
 */
@Component
class AggregateWriter {

	private final Scoring scoring;

	private final RedisAggregates aggregates;

	private final Clock clock;

	private final ApplicationEventPublisher events;

	private final MeterRegistry meters;

	private final Timer clickToState;

	AggregateWriter(Scoring scoring, RedisAggregates aggregates, Clock clock, ApplicationEventPublisher events,
			MeterRegistry meters) {
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

	/**
	 * Applies a click, given the products its session saw before.
	 * @param sessionInRedis whether Redis keeps the session (else the engine does)
	 * @return whether it was new (false: a redelivery, nothing changed)
	 */
	boolean click(Clicked click, Collection<String> sessionSkus, Instant publishedAt, boolean sessionInRedis) {
		requireValid(click);
		Effects effects = this.scoring.onClick(click, sessionSkus, this.clock.instant());
		boolean applied = this.aggregates.apply(sessionInRedis ? effects : effects.withoutSession());
		count("click", applied, effects);
		if (applied) {
			this.clickToState.record(Duration.between(publishedAt, Instant.now()));
			this.events.publishEvent(new ClickCounted(click));
		}
		return applied;
	}

	/** Applies an order: purchases, bought together, trending. */
	boolean order(OrderPlaced order) {
		requireValid(order);
		Effects effects = this.scoring.onOrder(order, this.clock.instant());
		boolean applied = this.aggregates.apply(effects);
		count("order", applied, effects);
		return applied;
	}

	private void count(String kind, boolean applied, Effects effects) {
		Counter.builder("recommendation.events")
			.description("Events aggregated, and redeliveries that changed nothing")
			.tag("kind", kind)
			.tag("outcome", applied ? "applied" : "duplicate")
			.register(this.meters)
			.increment();
		if (applied && effects.trending().isEmpty() && !effects.interests().isEmpty()) {
			Counter.builder("recommendation.events.too.late.for.trending")
				.tag("kind", kind)
				.register(this.meters)
				.increment();
		}
	}

	/**
	 * A malformed event fails its handler: retried, then dead-lettered, never dropped.
	 */
	static void requireValid(Clicked click) {
		if (click == null || click.clickId() == null || click.userId() == null || click.sku() == null
				|| click.type() == null || click.at() == null) {
			throw new IllegalArgumentException("Clicked without clickId, userId, sku, type or at: " + click);
		}
	}

	static void requireValid(OrderPlaced order) {
		if (order == null || order.orderId() == null || order.customerId() == null || order.items() == null
				|| order.items().stream().anyMatch((line) -> line == null || line.sku() == null)) {
			throw new IllegalArgumentException("OrderPlaced without orderId, customerId or item skus: " + order);
		}
	}

}
