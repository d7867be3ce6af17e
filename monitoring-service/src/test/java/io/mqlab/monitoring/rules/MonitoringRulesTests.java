package io.mqlab.monitoring.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.mqlab.monitoring.rules.MonitoringRules.Step;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class MonitoringRulesTests {

	private static final long T0 = 1_700_000_000_000L;

	@Test
	void samplesFallInTheirWindowByEventTime() {
		Duration ten = Duration.ofSeconds(10);
		assertThat(MonitoringRules.windowStart(T0, ten)).isEqualTo(T0);
		assertThat(MonitoringRules.windowStart(T0 + 9_999, ten)).isEqualTo(T0);
		assertThat(MonitoringRules.windowStart(T0 + 10_000, ten)).isEqualTo(T0 + 10_000);
		assertThat(MonitoringRules.windowStart(T0 + 39_999, Duration.ofMinutes(1))).isEqualTo(T0 - 20_000);
		assertThat(MonitoringRules.windowStart(-1, ten)).isEqualTo(-10_000);
	}

	@Test
	void aSampleIsLateOnlyOnceItsWindowAndTheAllowanceAreOverTheWatermark() {
		Duration ten = Duration.ofSeconds(10);
		Duration allowance = Duration.ofSeconds(30);
		// window [T0, T0+10s) closes for late samples at T0+40s
		assertThat(MonitoringRules.isLate(T0 + 5_000, T0 + 39_999, ten, allowance)).isFalse();
		assertThat(MonitoringRules.isLate(T0 + 5_000, T0 + 40_000, ten, allowance)).isTrue();
		assertThat(MonitoringRules.isLate(T0 + 5_000, 0, ten, allowance)).isFalse();
		// the same sample still counts in its minute
		assertThat(MonitoringRules.isLate(T0 + 5_000, T0 + 40_000, Duration.ofMinutes(1), allowance)).isFalse();
	}

	@Test
	void rollupsKeepMinMaxAvgLastAndCount() {
		Rollup rollup = null;
		long[] ats = { T0 + 3_000, T0 + 1_000, T0 + 2_000 };
		double[] values = { 5, 1, 9 };
		for (int i = 0; i < ats.length; i++) {
			rollup = MonitoringRules.add(rollup, T0, ats[i], values[i]);
		}
		assertThat(rollup).isEqualTo(new Rollup(T0, 3, 15, 1, 9, T0 + 3_000, 5));
		assertThat(rollup.avg()).isEqualTo(5.0);
		assertThat(Rollup.decode(rollup.encode())).isEqualTo(rollup);
		Rollup odd = new Rollup(T0, 2, 0.1 + 0.2, -1e-300, 1e300, T0 + 1, Double.MIN_VALUE);
		assertThat(Rollup.decode(odd.encode())).isEqualTo(odd);
		assertThatIllegalArgumentException().isThrownBy(() -> Rollup.decode("1|2|3"));
	}

	@Test
	void downsamplingMergesWindowsIntoSteps() {
		List<Rollup> tens = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			tens.add(Rollup.of(T0 - 20_000 + i * 10_000L, T0 - 20_000 + i * 10_000L + 1, i));
		}
		List<Rollup> minutes = MonitoringRules.downsample(tens, Duration.ofMinutes(1));
		// T0 - 20 s is a minute boundary
		assertThat(minutes).hasSize(2);
		assertThat(minutes.get(0)).isEqualTo(new Rollup(T0 - 20_000, 6, 15, 0, 5, T0 + 30_001, 5));
		assertThat(minutes.get(1).count()).isEqualTo(6);
		assertThat(minutes.get(1).min()).isEqualTo(6);
		assertThat(MonitoringRules.downsample(List.of(), Duration.ofMinutes(1))).isEmpty();
	}

	@Test
	void seriesIdsAreIndependentOfLabelOrder() {
		assertThat(MonitoringRules.seriesId("process.threads", Map.of())).isEqualTo("process.threads");
		assertThat(MonitoringRules.seriesId("consumer.backlog", Map.of("topic", "ORDER", "group", "g")))
			.isEqualTo("consumer.backlog{group=\"g\",topic=\"ORDER\"}");
		assertThat(MonitoringRules.seriesId("x", Map.of("a", "q\"uote"))).isEqualTo("x{a=\"q\\\"uote\"}");
		assertThat(MonitoringRules.matches(Map.of("service", "a"), Map.of("service", "a", "host", "h"))).isTrue();
		assertThat(MonitoringRules.matches(Map.of("service", "a"), Map.of("service", "b"))).isFalse();
		assertThat(MonitoringRules.matches(Map.of(), Map.of("service", "b"))).isTrue();
	}

	@Test
	void aSignalHeldOverTheThresholdForThePeriodFiresOnce() {
		AlertRule rule = rule(Kind.THRESHOLD, Op.GT, 200, 30);
		Run run = new Run(rule);
		run.sample(0, 100);
		assertThat(run.state.phase()).isEqualTo(Phase.INACTIVE);
		run.sample(5, 250);
		assertThat(run.state.phase()).isEqualTo(Phase.PENDING);
		for (int s = 10; s < 35; s += 5) {
			run.sample(s, 250);
		}
		assertThat(run.state.phase()).isEqualTo(Phase.PENDING);
		run.sample(35, 260);
		assertThat(run.state.phase()).isEqualTo(Phase.FIRING);
		assertThat(run.transitions).containsExactly(new Transition(Phase.PENDING, Phase.FIRING, 1, at(35), 260));
		run.sample(40, 300);
		assertThat(run.transitions).hasSize(1);
	}

	@Test
	void aDipBeforeThePeriodEndsStartsItOver() {
		Run run = new Run(rule(Kind.THRESHOLD, Op.GT, 200, 30));
		run.sample(0, 250);
		run.sample(20, 150);
		assertThat(run.state.phase()).isEqualTo(Phase.INACTIVE);
		run.sample(30, 250);
		run.sample(45, 250);
		assertThat(run.state.phase()).isEqualTo(Phase.PENDING);
		run.sample(60, 250);
		assertThat(run.transitions).extracting(Transition::to).containsExactly(Phase.FIRING);
	}

	@Test
	void aNoisySignalAroundTheThresholdFiresAndResolvesAtMostOnce() {
		AlertRule rule = rule(Kind.THRESHOLD, Op.GT, 100, 10);
		Run run = new Run(rule);
		for (int s = 0; s <= 20; s++) {
			run.sample(s, 120);
		}
		assertThat(run.transitions).extracting(Transition::to).containsExactly(Phase.FIRING);
		// oscillates within the margin (10 % of 100): never clear, so never resolved
		for (int s = 21; s < 200; s++) {
			run.sample(s, (s % 2 == 0) ? 95 : 105);
		}
		assertThat(run.transitions).extracting(Transition::to).containsExactly(Phase.FIRING);
		// below the margin, but not for the whole clear period, and back
		for (int s = 200; s < 205; s++) {
			run.sample(s, 50);
		}
		run.sample(205, 105);
		assertThat(run.state.phase()).isEqualTo(Phase.FIRING);
		for (int s = 206; s <= 216; s++) {
			run.sample(s, 50);
		}
		assertThat(run.transitions).extracting(Transition::to).containsExactly(Phase.FIRING, Phase.RESOLVED);
		assertThat(run.transitions).extracting(Transition::seq).containsExactly(1L, 2L);
	}

	@Test
	void aGapChangesNothingAndOldSamplesAreIgnored() {
		AlertRule rule = rule(Kind.THRESHOLD, Op.GT, 100, 0);
		Run run = new Run(rule);
		run.sample(0, 150);
		assertThat(run.state.phase()).isEqualTo(Phase.FIRING);
		assertThat(MonitoringRules.isStale(run.state, at(10), Duration.ofSeconds(30))).isFalse();
		assertThat(MonitoringRules.isStale(run.state, at(31), Duration.ofSeconds(30))).isTrue();
		// a redelivered or reordered sample from before does not move it
		Step old = MonitoringRules.observe(rule, run.state, at(0), 0);
		assertThat(old.changed()).isFalse();
		assertThat(old.state()).isEqualTo(run.state);
		assertThat(MonitoringRules.observe(rule, run.state, at(1), Double.NaN).changed()).isFalse();
	}

	@Test
	void rulesBelowAThresholdResolveAbove() {
		AlertRule rule = new AlertRule("low", "m", Op.LT, 10, Duration.ZERO, Map.of(), "warning", Kind.THRESHOLD, 2,
				Duration.ofSeconds(5), List.of());
		Run run = new Run(rule);
		run.sample(0, 5);
		run.sample(1, 11);
		run.sample(10, 11);
		assertThat(run.state.phase()).isEqualTo(Phase.FIRING);
		run.sample(11, 12.5);
		run.sample(16, 12.5);
		assertThat(run.transitions).extracting(Transition::to).containsExactly(Phase.FIRING, Phase.RESOLVED);
	}

	@Test
	void ratesAreCounterIncreasesPerSecondSkippingResets() {
		AlertRule rule = rule(Kind.RATE, Op.GT, 5, 10);
		Run run = new Run(rule);
		run.sample(0, 1000);
		assertThat(run.state.value()).isNaN();
		run.sample(5, 1100);
		assertThat(run.state.value()).isEqualTo(20.0);
		assertThat(run.state.phase()).isEqualTo(Phase.PENDING);
		// a restart: the counter starts over, no rate, no change of phase
		run.sample(10, 3);
		assertThat(run.state.phase()).isEqualTo(Phase.PENDING);
		run.sample(15, 200);
		assertThat(run.transitions).extracting(Transition::to).containsExactly(Phase.FIRING);
	}

	@Test
	void growthIsAGaugeRisingForThePeriod() {
		AlertRule rule = rule(Kind.GROWTH, Op.GT, 0, 20);
		Run run = new Run(rule);
		for (int s = 0; s <= 15; s += 5) {
			run.sample(s, 10 + s);
		}
		assertThat(run.state.phase()).isEqualTo(Phase.PENDING);
		run.sample(20, 10);
		assertThat(run.state.phase()).isEqualTo(Phase.INACTIVE);
		for (int s = 25; s <= 50; s += 5) {
			run.sample(s, s);
		}
		assertThat(run.transitions).extracting(Transition::to).containsExactly(Phase.FIRING);
	}

	@Test
	void absenceFiresAfterThePeriodWithoutSamplesAndResolvesWhenTheyReturn() {
		AlertRule rule = rule(Kind.ABSENCE, Op.GT, 0, 30);
		Step quiet = MonitoringRules.absence(rule, null, at(0), at(29));
		assertThat(quiet.changed()).isFalse();
		Step fired = MonitoringRules.absence(rule, quiet.state(), at(0), at(30));
		assertThat(fired.transition()).isEqualTo(new Transition(Phase.INACTIVE, Phase.FIRING, 1, at(30), Double.NaN));
		assertThat(MonitoringRules.absence(rule, fired.state(), at(0), at(90)).changed()).isFalse();
		Step back = MonitoringRules.absence(rule, fired.state(), at(95), at(96));
		assertThat(back.transition().to()).isEqualTo(Phase.RESOLVED);
		assertThat(back.transition().seq()).isEqualTo(2);
		assertThatIllegalArgumentException().isThrownBy(() -> MonitoringRules.observe(rule, null, at(0), 1));
	}

	@Test
	void deletingARuleResolvesFiringAlertsAndEndsPendingOnes() {
		AlertRule rule = rule(Kind.THRESHOLD, Op.GT, 100, 10);
		Run run = new Run(rule);
		run.sample(0, 150);
		Step pending = MonitoringRules.ruleDeleted(run.state, at(1));
		assertThat(pending.transition()).isNull();
		assertThat(pending.state().phase()).isEqualTo(Phase.INACTIVE);
		run.sample(10, 150);
		Step firing = MonitoringRules.ruleDeleted(run.state, at(11));
		assertThat(firing.transition()).isEqualTo(new Transition(Phase.FIRING, Phase.RESOLVED, 2, at(11), 150));
		assertThat(MonitoringRules.ruleDeleted(null, at(11)).changed()).isFalse();
		assertThat(MonitoringRules.ruleDeleted(firing.state(), at(12)).changed()).isFalse();
	}

	@Test
	void dedupKeysNameRuleAlertAndSequence() {
		assertThat(MonitoringRules.dedupKey("r", "i|m", 3)).isEqualTo("r/i|m/3");
	}

	private static AlertRule rule(Kind kind, Op op, double threshold, int forSeconds) {
		return new AlertRule("r", "m", op, threshold, Duration.ofSeconds(forSeconds), Map.of(), "warning", kind,
				Math.abs(threshold) * 0.1, Duration.ofSeconds(10), List.of());
	}

	private static long at(int second) {
		return T0 + second * 1000L;
	}

	/** Feeds samples one second apart into one alert, keeping its transitions. */
	private static final class Run {

		private final AlertRule rule;

		private AlertState state;

		private final List<Transition> transitions = new ArrayList<>();

		Run(AlertRule rule) {
			this.rule = rule;
		}

		void sample(int second, double value) {
			Step step = MonitoringRules.observe(this.rule, this.state, at(second), value);
			this.state = step.state();
			if (step.transition() != null) {
				this.transitions.add(step.transition());
			}
		}

	}

}
