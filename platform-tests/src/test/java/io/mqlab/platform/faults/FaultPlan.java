package io.mqlab.platform.faults;

import java.time.Duration;
import java.util.List;

/**
 * When the run does what, counted from the start of the load. Every consumer service is
 * killed at least once and one of them twice; the broker restarts once; one service is
 * cut off the broker for {@link #cut()}.
 */
record FaultPlan(String name, Duration load, Duration cut, Duration settle, int ordersPerSecond, int clicksPerSecond,
		List<Step> steps) {

	static final String ORDERS = "order-service";

	static final String REWRITE = "order-service-new";

	static final String RECONCILIATION = "reconciliation-service";

	static final String RECOMMENDATION = "recommendation-service";

	/** The version in the normal test suite: about 75 s of load. */
	static FaultPlan quick() {
		return new FaultPlan("short", Duration.ofSeconds(75), Duration.ofSeconds(10), Duration.ofMinutes(4),
				rate("orders-per-second", 8), rate("clicks-per-second", 20),
				List.of(kill(5, REWRITE), kill(15, RECONCILIATION), restartBroker(25), cut(35, RECOMMENDATION),
						restore(45, RECOMMENDATION), kill(48, ORDERS), kill(56, RECOMMENDATION),
						kill(65, RECONCILIATION)));
	}

	/** What {@code ./mqlab faults} runs: 6 minutes of load, a 30 s cut. */
	static FaultPlan full() {
		return new FaultPlan("full", Duration.ofMinutes(6), Duration.ofSeconds(30), Duration.ofMinutes(10),
				rate("orders-per-second", 15), rate("clicks-per-second", 50),
				List.of(kill(20, REWRITE), kill(50, RECONCILIATION), kill(80, RECOMMENDATION), restartBroker(110),
						cut(150, REWRITE), restore(180, REWRITE), kill(200, ORDERS), kill(240, RECONCILIATION),
						kill(280, RECOMMENDATION), kill(320, REWRITE)));
	}

	private static int rate(String name, int fallback) {
		return Integer.getInteger("mqlab.faults." + name, fallback);
	}

	private static Step kill(int second, String service) {
		return new Step(Duration.ofSeconds(second), Action.KILL, service);
	}

	private static Step restartBroker(int second) {
		return new Step(Duration.ofSeconds(second), Action.RESTART_BROKER, "broker");
	}

	private static Step cut(int second, String service) {
		return new Step(Duration.ofSeconds(second), Action.CUT, service);
	}

	private static Step restore(int second, String service) {
		return new Step(Duration.ofSeconds(second), Action.RESTORE, service);
	}

	enum Action {

		/** SIGKILL the service's JVM, then start it again. */
		KILL,

		RESTART_BROKER,

		/** Cut the service off the broker (its proxy resets and refuses connections). */
		CUT,

		RESTORE

	}

	record Step(Duration at, Action action, String target) {

	}

}
