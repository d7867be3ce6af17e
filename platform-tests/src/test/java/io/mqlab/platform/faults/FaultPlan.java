package io.mqlab.platform.faults;

import java.time.Duration;
import java.util.List;

/**
 * What the run does, one step after the other, each a while after the previous one ended
 * (a restart of a broker can take long on a loaded machine; the cut must still last
 * {@link #cut()}). Every consumer service is killed at least once and one of them twice;
 * the broker restarts once; one service is cut off the broker. The load runs for at least
 * {@link #load()} and {@link #tail()} past the last step. With {@code quickFailover} the
 * services are told to notice a dead consumer within seconds
 * ({@link FaultBroker#quickFailover()}), where by default Kafka waits out a 45 s session.
 */
record FaultPlan(String name, Duration load, Duration tail, Duration cut, Duration settle, int ordersPerSecond,
		int clicksPerSecond, boolean quickFailover, List<Step> steps) {

	static final String ORDERS = "order-service";

	static final String REWRITE = "order-service-new";

	static final String RECONCILIATION = "reconciliation-service";

	static final String RECOMMENDATION = "recommendation-service";

	/**
	 * The version in the default test suite, about a minute per backend: 40 s of modest
	 * load in which the broker restarts, every service is killed once and one service is
	 * cut off for 6 s. The services notice a dead peer sooner than by default
	 * ({@link #quickFailover}), so a kill does not stall a group for the rest of the run.
	 * The broker restarts first: a service killed just before would start while it is
	 * down, exit and start once more (a Kafka broker takes 15-20 s), which the longer
	 * plans cover and which made this run settle half a minute later.
	 */
	static FaultPlan suite() {
		int cut = 6;
		return new FaultPlan("suite", Duration.ofSeconds(40), Duration.ofSeconds(5), Duration.ofSeconds(cut),
				Duration.ofMinutes(5), 5, 10, true,
				List.of(restartBroker(3), kill(3, REWRITE), kill(3, RECONCILIATION), cut(3, RECOMMENDATION),
						restore(cut, RECOMMENDATION), kill(2, ORDERS), kill(3, RECOMMENDATION)));
	}

	/** {@code ./mqlab faults --short}: about 75 s of load, a 10 s cut. */
	static FaultPlan quick() {
		int cut = 10;
		return new FaultPlan("short", Duration.ofSeconds(75), Duration.ofSeconds(10), Duration.ofSeconds(cut),
				Duration.ofMinutes(4), rate("orders-per-second", 8), rate("clicks-per-second", 20), false,
				List.of(kill(5, REWRITE), kill(8, RECONCILIATION), restartBroker(8), cut(5, RECOMMENDATION),
						restore(cut, RECOMMENDATION), kill(3, ORDERS), kill(6, RECOMMENDATION),
						kill(8, RECONCILIATION)));
	}

	/** What {@code ./mqlab faults} runs: 6 minutes of load, a 30 s cut. */
	static FaultPlan full() {
		int cut = 30;
		return new FaultPlan("full", Duration.ofMinutes(6), Duration.ofSeconds(30), Duration.ofSeconds(cut),
				Duration.ofMinutes(10), rate("orders-per-second", 15), rate("clicks-per-second", 50), false,
				List.of(kill(20, REWRITE), kill(30, RECONCILIATION), kill(30, RECOMMENDATION), restartBroker(30),
						cut(30, REWRITE), restore(cut, REWRITE), kill(20, ORDERS), kill(40, RECONCILIATION),
						kill(40, RECOMMENDATION), kill(40, REWRITE)));
	}

	private static int rate(String name, int fallback) {
		return Integer.getInteger("mqlab.faults." + name, fallback);
	}

	private static Step kill(int after, String service) {
		return new Step(Duration.ofSeconds(after), Action.KILL, service);
	}

	private static Step restartBroker(int after) {
		return new Step(Duration.ofSeconds(after), Action.RESTART_BROKER, "broker");
	}

	private static Step cut(int after, String service) {
		return new Step(Duration.ofSeconds(after), Action.CUT, service);
	}

	private static Step restore(int after, String service) {
		return new Step(Duration.ofSeconds(after), Action.RESTORE, service);
	}

	enum Action {

		/** SIGKILL the service's JVM, then start it again. */
		KILL,

		RESTART_BROKER,

		/** Cut the service off the broker (its proxy resets and refuses connections). */
		CUT,

		RESTORE

	}

	/** An action, {@code after} the previous step ended. */
	record Step(Duration after, Action action, String target) {

	}

}
