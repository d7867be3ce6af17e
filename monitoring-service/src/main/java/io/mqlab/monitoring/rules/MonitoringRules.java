package io.mqlab.monitoring.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The monitoring rules, pure functions of their arguments: which window a sample falls
 * in, when a sample is too late for its window, how rollups combine, and how an alert
 * moves between inactive, pending, firing and resolved. No I/O and no clock: callers pass
 * the times (event times of samples; the evaluation time for absence).
 */
public final class MonitoringRules {

	private MonitoringRules() {
	}

	// ---- windows and rollups

	/** The start of the window of {@code size} that holds {@code at} (epoch ms). */
	public static long windowStart(long at, Duration size) {
		long millis = size.toMillis();
		return Math.floorDiv(at, millis) * millis;
	}

	/**
	 * Whether a sample at {@code at} comes too late for its window: the window closed
	 * (its end plus the allowance) before the latest event time already seen from the
	 * same instance.
	 */
	public static boolean isLate(long at, long watermark, Duration size, Duration allowance) {
		return windowStart(at, size) + size.toMillis() + allowance.toMillis() <= watermark;
	}

	/** A window's rollup with one more sample (a new window when there is none). */
	public static Rollup add(Rollup rollup, long windowStart, long at, double value) {
		if (rollup == null) {
			return Rollup.of(windowStart, at, value);
		}
		boolean later = at >= rollup.lastAt();
		return new Rollup(rollup.windowStart(), rollup.count() + 1, rollup.sum() + value, Math.min(rollup.min(), value),
				Math.max(rollup.max(), value), later ? at : rollup.lastAt(), later ? value : rollup.last());
	}

	/** Two rollups as one over the earlier one's window (downsampling). */
	public static Rollup combine(Rollup a, Rollup b) {
		boolean bLater = b.lastAt() >= a.lastAt();
		return new Rollup(Math.min(a.windowStart(), b.windowStart()), a.count() + b.count(), a.sum() + b.sum(),
				Math.min(a.min(), b.min()), Math.max(a.max(), b.max()), bLater ? b.lastAt() : a.lastAt(),
				bLater ? b.last() : a.last());
	}

	/**
	 * Rollups (ordered by window) merged into buckets of {@code step} starting at their
	 * window's step boundary.
	 */
	public static List<Rollup> downsample(List<Rollup> rollups, Duration step) {
		List<Rollup> buckets = new ArrayList<>();
		Rollup current = null;
		for (Rollup rollup : rollups) {
			long bucket = windowStart(rollup.windowStart(), step);
			Rollup moved = new Rollup(bucket, rollup.count(), rollup.sum(), rollup.min(), rollup.max(), rollup.lastAt(),
					rollup.last());
			if (current != null && current.windowStart() == bucket) {
				current = combine(current, moved);
			}
			else {
				if (current != null) {
					buckets.add(current);
				}
				current = moved;
			}
		}
		if (current != null) {
			buckets.add(current);
		}
		return buckets;
	}

	// ---- series and labels

	/** A series' identity within an instance: the name and its labels in order. */
	public static String seriesId(String name, Map<String, String> labels) {
		if (labels == null || labels.isEmpty()) {
			return name;
		}
		StringBuilder id = new StringBuilder(name).append('{');
		boolean first = true;
		for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
			if (!first) {
				id.append(',');
			}
			first = false;
			id.append(label.getKey()).append("=\"").append(escape(label.getValue())).append('"');
		}
		return id.append('}').toString();
	}

	private static String escape(String value) {
		return value.replace("\\", "\\\\").replace("\"", "\\\"");
	}

	/** Whether every label of the match has the same value in the labels. */
	public static boolean matches(Map<String, String> match, Map<String, String> labels) {
		for (Map.Entry<String, String> wanted : match.entrySet()) {
			if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
				return false;
			}
		}
		return true;
	}

	// ---- alerts

	/**
	 * The result of one evaluation step.
	 *
	 * @param state the state after it
	 * @param transition the notified transition it made, or {@code null}
	 * @param changed whether the state differs from the one given (needs writing)
	 */
	public record Step(AlertState state, Transition transition, boolean changed) {

		static Step unchanged(AlertState state) {
			return new Step(state, null, false);
		}

	}

	/**
	 * Takes one sample of a series into an alert of a value rule (threshold, percentile,
	 * rate, growth). Samples not later than the last one taken (a redelivery, or out of
	 * order) change nothing, so replaying a stream is harmless.
	 */
	public static Step observe(AlertRule rule, AlertState state, long at, double raw) {
		if (rule.kind() == Kind.ABSENCE) {
			throw new IllegalArgumentException("Absence rules are evaluated by time, not samples: " + rule.name());
		}
		AlertState current = (state != null) ? state : AlertState.NEW;
		if (at <= current.lastAt() || !Double.isFinite(raw)) {
			return Step.unchanged(current);
		}
		double value = value(rule.kind(), current, at, raw);
		if (Double.isNaN(value)) {
			// nothing to compare yet (the first sample of a rate): only remember it
			return new Step(with(current, at, raw, current.value()), null, true);
		}
		boolean breach = rule.op().test(value, rule.threshold());
		return switch (current.phase()) {
			case INACTIVE, RESOLVED -> {
				if (!breach) {
					yield keep(rule, current, at, raw, value);
				}
				if (rule.forPeriod().isZero()) {
					yield fire(current, at, raw, value, at);
				}
				yield new Step(new AlertState(Phase.PENDING, current.seq(), at, at, 0, at, raw, value), null, true);
			}
			case PENDING -> {
				if (!breach) {
					// back below before the period was over: no alert, nothing notified
					yield new Step(new AlertState(Phase.INACTIVE, current.seq(), at, 0, 0, at, raw, value), null, true);
				}
				if (at - current.pendingSince() >= rule.forPeriod().toMillis()) {
					yield fire(current, at, raw, value, current.pendingSince());
				}
				yield keep(rule, current, at, raw, value);
			}
			case FIRING -> {
				if (!isClear(rule, value)) {
					if (current.clearSince() == 0) {
						yield keep(rule, current, at, raw, value);
					}
					yield new Step(new AlertState(Phase.FIRING, current.seq(), current.since(), current.pendingSince(),
							0, at, raw, value), null, true);
				}
				long clearSince = (current.clearSince() != 0) ? current.clearSince() : at;
				if (at - clearSince >= rule.clear().toMillis()) {
					yield resolve(current, at, raw, value);
				}
				yield new Step(new AlertState(Phase.FIRING, current.seq(), current.since(), current.pendingSince(),
						clearSince, at, raw, value), null, true);
			}
		};
	}

	/**
	 * Evaluates an absence rule for one instance at {@code now}: it fires once the last
	 * sample is {@code forPeriod} old and resolves when samples come again.
	 * @param lastSeen the event time of the instance's last sample of the metric
	 */
	public static Step absence(AlertRule rule, AlertState state, long lastSeen, long now) {
		AlertState current = (state != null) ? state : AlertState.NEW;
		boolean absent = now - lastSeen >= rule.forPeriod().toMillis();
		if (absent && !current.active()) {
			long seq = current.seq() + 1;
			AlertState firing = new AlertState(Phase.FIRING, seq, now, lastSeen, 0, lastSeen, Double.NaN, Double.NaN);
			return new Step(firing, new Transition(current.phase(), Phase.FIRING, seq, now, Double.NaN), true);
		}
		if (!absent && current.phase() == Phase.FIRING) {
			long seq = current.seq() + 1;
			AlertState resolved = new AlertState(Phase.RESOLVED, seq, now, 0, 0, lastSeen, Double.NaN, Double.NaN);
			return new Step(resolved, new Transition(Phase.FIRING, Phase.RESOLVED, seq, now, Double.NaN), true);
		}
		return Step.unchanged(current);
	}

	/** The rule is gone: a firing alert resolves, a pending one ends unnotified. */
	public static Step ruleDeleted(AlertState state, long now) {
		if (state == null || !state.active()) {
			return Step.unchanged(state);
		}
		if (state.phase() == Phase.PENDING) {
			return new Step(new AlertState(Phase.INACTIVE, state.seq(), now, 0, 0, state.lastAt(), state.lastRaw(),
					state.value()), null, true);
		}
		long seq = state.seq() + 1;
		return new Step(new AlertState(Phase.RESOLVED, seq, now, 0, 0, state.lastAt(), state.lastRaw(), state.value()),
				new Transition(Phase.FIRING, Phase.RESOLVED, seq, now, state.value()), true);
	}

	/**
	 * Whether an active alert has had no sample for {@code staleAfter}: it stays as it is
	 * (missing data never resolves), marked stale.
	 */
	public static boolean isStale(AlertState state, long now, Duration staleAfter) {
		return state != null && state.active() && state.lastAt() > 0 && now - state.lastAt() > staleAfter.toMillis();
	}

	/** The dedup key of a transition: the same for every engine, instance and restart. */
	public static String dedupKey(String rule, String alertKey, long seq) {
		return rule + "/" + alertKey + "/" + seq;
	}

	/** The value a rule compares: the sample, or its change per second. */
	private static double value(Kind kind, AlertState state, long at, double raw) {
		if (kind == Kind.THRESHOLD || kind == Kind.PERCENTILE) {
			return raw;
		}
		if (state.lastAt() == 0 || Double.isNaN(state.lastRaw())) {
			return Double.NaN;
		}
		double delta = raw - state.lastRaw();
		if (kind == Kind.RATE && delta < 0) {
			// a counter reset (restart): no rate across it
			return Double.NaN;
		}
		return delta / ((at - state.lastAt()) / 1000.0);
	}

	/** Beyond the threshold by the margin, on the quiet side. */
	private static boolean isClear(AlertRule rule, double value) {
		return rule.op().upward() ? value < rule.threshold() - rule.margin() : value > rule.threshold() + rule.margin();
	}

	/**
	 * The phase stays: a rate or growth rule must remember the sample (the next value is
	 * computed from it), a value rule need not write anything.
	 */
	private static Step keep(AlertRule rule, AlertState state, long at, double raw, double value) {
		boolean derived = rule.kind() == Kind.RATE || rule.kind() == Kind.GROWTH;
		return new Step(with(state, at, raw, value), null, derived);
	}

	private static AlertState with(AlertState state, long at, double raw, double value) {
		return new AlertState(state.phase(), state.seq(), state.since(), state.pendingSince(), state.clearSince(), at,
				raw, value);
	}

	private static Step fire(AlertState state, long at, double raw, double value, long pendingSince) {
		long seq = state.seq() + 1;
		return new Step(new AlertState(Phase.FIRING, seq, at, pendingSince, 0, at, raw, value),
				new Transition(state.phase(), Phase.FIRING, seq, at, value), true);
	}

	private static Step resolve(AlertState state, long at, double raw, double value) {
		long seq = state.seq() + 1;
		return new Step(new AlertState(Phase.RESOLVED, seq, at, 0, 0, at, raw, value),
				new Transition(Phase.FIRING, Phase.RESOLVED, seq, at, value), true);
	}

}
