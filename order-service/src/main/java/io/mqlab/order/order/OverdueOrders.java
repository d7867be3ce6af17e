package io.mqlab.order.order;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The safety net under the payment timeouts: every {@code mqlab.orders.overdue-sweep}, it
 * cancels the orders still {@code PLACED} a grace period
 * ({@code mqlab.orders.overdue-grace}) after their payment timeout, whatever the backend
 * and whatever happened to their timeout message (lost, dead-lettered, stuck behind an
 * outage). Same cancellation as the timeout message ({@link UnpaidOrders}), one order per
 * transaction, at most {@value #MAX_PER_SWEEP} orders a sweep, oldest first; each one is
 * counted ({@code mqlab.orders.overdue.cancelled}) and logged, as it means a timeout went
 * missing.
 */
@Component
class OverdueOrders implements SmartLifecycle {

	static final int MAX_PER_SWEEP = 1000;

	private static final int BATCH = 100;

	private static final Log logger = LogFactory.getLog(OverdueOrders.class);

	private final OrderRepository orders;

	private final UnpaidOrders unpaid;

	private final TransactionTemplate transactions;

	private final OrderSettings settings;

	private final Clock clock;

	private final Counter cancelled;

	private volatile ScheduledExecutorService scheduler;

	OverdueOrders(OrderRepository orders, UnpaidOrders unpaid, TransactionTemplate transactions, OrderSettings settings,
			MeterRegistry meters, Optional<Clock> clock) {
		this.orders = orders;
		this.unpaid = unpaid;
		this.transactions = transactions;
		this.settings = settings;
		this.clock = clock.orElse(Clock.systemUTC());
		this.cancelled = Counter.builder("mqlab.orders.overdue.cancelled")
			.description("Orders cancelled by the overdue sweep: their payment timeout did not cancel them in time")
			.register(meters);
	}

	/** Cancels what is overdue now; returns how many it cancelled. */
	int sweep() {
		Duration overdue = this.settings.paymentTimeout().plus(this.settings.overdueGrace());
		Instant cutoff = this.clock.instant().minus(overdue);
		int done = 0;
		int count = 0;
		while (done < MAX_PER_SWEEP) {
			List<UUID> ids = this.orders.findIdsByStatusAndPlacedAtBefore(OrderStatus.PLACED, cutoff,
					PageRequest.of(0, BATCH));
			for (UUID id : ids) {
				String outcome = this.transactions
					.execute((status) -> this.unpaid.cancelIfUnpaid(id, "still unpaid " + overdue
							+ " after it was placed" + " (overdue sweep: its payment timeout did not cancel it)"));
				if ("cancelled".equals(outcome)) {
					this.cancelled.increment();
					count++;
				}
			}
			done += ids.size();
			if (ids.size() < BATCH) {
				break;
			}
		}
		if (count > 0) {
			logger.warn("Cancelled " + count + " overdue order(s) whose payment timeout did not arrive");
		}
		return count;
	}

	private void sweepSafely() {
		try {
			sweep();
		}
		catch (RuntimeException ex) {
			// a failed sweep (database down) must not end the schedule
			logger.warn("Overdue order sweep failed; next one in " + this.settings.overdueSweep() + ": " + ex);
		}
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "overdue-orders");
			thread.setDaemon(true);
			return thread;
		});
		long period = this.settings.overdueSweep().toMillis();
		executor.scheduleWithFixedDelay(this::sweepSafely, period, period, TimeUnit.MILLISECONDS);
		this.scheduler = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		if (executor != null) {
			executor.shutdownNow();
			try {
				executor.awaitTermination(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.scheduler = null;
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

}
