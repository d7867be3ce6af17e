package io.mqlab.messaging.postgres;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.mqlab.messaging.BacklogProbe;
import io.mqlab.messaging.Dispatcher;
import io.mqlab.messaging.MessageSubscriber;
import io.mqlab.messaging.Subscription;
import io.mqlab.messaging.SubscriptionSpec;

import org.springframework.beans.factory.DisposableBean;

/**
 * Consumes from the table queue: registers the group (so it gets a delivery row of every
 * message published from then on), runs one {@link PostgresSubscription} per subscribe,
 * and wakes them through one LISTEN connection per process.
 */
final class PostgresMessageSubscriber implements MessageSubscriber, BacklogProbe, DisposableBean {

	private final QueueTable table;

	private final Duration pollInterval;

	private final int batchSize;

	private final QueueListener listener;

	private final QueueJanitor janitor;

	private final List<PostgresSubscription> subscriptions = new CopyOnWriteArrayList<>();

	PostgresMessageSubscriber(QueueDatabase database, QueueTable table, Duration pollInterval, int batchSize,
			Duration vacuumInterval) {
		this.table = table;
		this.pollInterval = pollInterval;
		this.batchSize = batchSize;
		this.listener = new QueueListener(database.dataSource(), pollInterval, this::wakeUp, this::wakeUpAll);
		this.janitor = new QueueJanitor(database.jdbc(), vacuumInterval);
	}

	@Override
	public Subscription subscribe(SubscriptionSpec spec, Dispatcher dispatcher) {
		provision(spec.topic(), spec.group());
		PostgresSubscription subscription = new PostgresSubscription(spec, dispatcher, this.table, this.pollInterval,
				this.batchSize, this.subscriptions::remove);
		this.subscriptions.add(subscription);
		this.listener.start();
		this.janitor.start();
		subscription.start();
		return subscription;
	}

	@Override
	public void provision(String topic, String group) {
		this.table.provision(QueueNames.check("topic", topic), QueueNames.check("group", group));
	}

	@Override
	public long backlog(String topic, String group) {
		return this.table.backlog(QueueNames.check("topic", topic), QueueNames.check("group", group));
	}

	/** A payload is a topic (new messages) or topic:group (heads freed in the group). */
	private void wakeUp(String payload) {
		int separator = payload.indexOf(QueueTable.GROUP_SEPARATOR);
		String topic = (separator < 0) ? payload : payload.substring(0, separator);
		String group = (separator < 0) ? null : payload.substring(separator + 1);
		for (PostgresSubscription subscription : this.subscriptions) {
			if (subscription.topic().equals(topic)) {
				if (group == null) {
					subscription.published();
				}
				else if (subscription.group().equals(group)) {
					subscription.freed();
				}
			}
		}
	}

	private void wakeUpAll() {
		this.subscriptions.forEach(PostgresSubscription::published);
	}

	@Override
	public void destroy() throws InterruptedException {
		this.subscriptions.forEach(PostgresSubscription::requestStop);
		for (PostgresSubscription subscription : this.subscriptions) {
			subscription.stop();
		}
		this.listener.stop();
		this.janitor.stop();
	}

}
