package io.mqlab.recommendation.aggregate;

import io.mqlab.messaging.MessageContext;
import io.mqlab.messaging.listener.MessageListener;
import io.mqlab.recommendation.click.Clicked;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
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
class Aggregator {

	private final RedisAggregates aggregates;

	private final AggregateWriter writer;

	Aggregator(RedisAggregates aggregates, AggregateWriter writer) {
		this.aggregates = aggregates;
		this.writer = writer;
	}

	@MessageListener(topic = "${mqlab.recommendation.clicks-topic:clicks}",
			group = "${mqlab.recommendation.group:recommendation}",
			concurrency = "${mqlab.recommendation.concurrency:4}")
	void onClick(Clicked click, MessageContext context) {
		AggregateWriter.requireValid(click);
		Effects.SessionRef session = new Effects.SessionRef(click.userId(), click.sessionId());
		this.writer.click(click, this.aggregates.sessionSkus(session), context.envelope().timestamp(), true);
	}

	@MessageListener(topic = "${mqlab.recommendation.orders-topic:ORDER}",
			group = "${mqlab.recommendation.group:recommendation}",
			concurrency = "${mqlab.recommendation.concurrency:4}")
	void onOrder(OrderPlaced order) {
		this.writer.order(order);
	}

}
