package io.mqlab.bench.mqlab;

import java.util.ArrayList;
import java.util.List;

import io.mqlab.bench.workload.BenchMessage;
import io.mqlab.bench.workload.PhaseRouter;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.RetrySettings;
import io.mqlab.messaging.Subscription;
import io.mqlab.messaging.SubscriptionSpec;

/**
 * The consumers: {@code consumers} members of one group, each a subscription of its own
 * (concurrency 1), as that many service instances would be.
 */
final class ConsumerGroup implements AutoCloseable {

	private final List<Subscription> subscriptions = new ArrayList<>();

	ConsumerGroup(Messaging messaging, String topic, String group, int consumers, PhaseRouter router) {
		for (int i = 0; i < consumers; i++) {
			String member = "member-" + i;
			this.subscriptions.add(messaging.subscribe(new SubscriptionSpec(topic, group, 1), BenchMessage.class,
					RetrySettings.DEFAULT, (message, context) -> router.deliver(message, member)));
		}
	}

	@Override
	public void close() {
		this.subscriptions.forEach(Subscription::stop);
	}

}
