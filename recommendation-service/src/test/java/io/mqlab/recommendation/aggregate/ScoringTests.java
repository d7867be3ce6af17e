package io.mqlab.recommendation.aggregate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.mqlab.recommendation.click.ClickType;
import io.mqlab.recommendation.click.Clicked;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ScoringTests {

	private static final Instant NOW = Instant.parse("2026-11-22T10:00:30Z");

	private final Scoring scoring = new Scoring(Duration.ofMinutes(2), Duration.ofDays(1));

	@Test
	void aProductNewToItsSessionPairsWithEveryProductSeenBefore() {
		Effects effects = this.scoring.onClick(click("C", ClickType.VIEW, NOW), Set.of("B", "A"), NOW);
		assertThat(effects.coViewed()).containsExactly(new Effects.Pair("C", "A"), new Effects.Pair("C", "B"));
		assertThat(effects.newInSession()).containsExactly("C");
		assertThat(effects.eventId()).startsWith("click:");
	}

	@Test
	void aProductSeenAgainInItsSessionPairsWithNothing() {
		Effects effects = this.scoring.onClick(click("A", ClickType.CLICK, NOW), Set.of("A", "B"), NOW);
		assertThat(effects.coViewed()).isEmpty();
		assertThat(effects.newInSession()).isEmpty();
		assertThat(effects.interests()).containsExactly(new Effects.Interest("A", 2, NOW));
	}

	@Test
	void weightsGrowWithIntent() {
		assertThat(List.of(Signal.VIEW, Signal.CLICK, Signal.ADD_TO_CART, Signal.PURCHASE)).extracting(Signal::weight)
			.containsExactly(1.0, 2.0, 4.0, 8.0);
	}

	@Test
	void lateClicksCountForTrendingUntilTheirMinutePlusTheAllowance() {
		Instant minute = Instant.parse("2026-11-22T10:00:00Z");
		assertThat(this.scoring.countsForTrending(minute.plusSeconds(10), minute.plusSeconds(179))).isTrue();
		assertThat(this.scoring.countsForTrending(minute.plusSeconds(10), minute.plusSeconds(180))).isFalse();
		Effects late = this.scoring.onClick(click("A", ClickType.VIEW, NOW.minus(Duration.ofMinutes(5))), Set.of(),
				NOW);
		assertThat(late.trending()).isEmpty();
		assertThat(late.interests()).hasSize(1);
	}

	@Test
	void aWindowIsItsMinutesUpToNow() {
		assertThat(Scoring.window(Duration.ofMinutes(5), NOW)).hasSize(5)
			.first()
			.isEqualTo(Instant.parse("2026-11-22T09:56:00Z"));
		assertThat(Scoring.window(Duration.ofMinutes(5), NOW)).last().isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
	}

	@Test
	void interestHalvesEveryHalfLife() {
		assertThat(this.scoring.interest(8, NOW, NOW.plus(Duration.ofDays(1)))).isCloseTo(4, within(1e-9));
		assertThat(this.scoring.interest(8, NOW.plusSeconds(60), NOW)).isEqualTo(8);
	}

	@Test
	void similarityIsCosine() {
		assertThat(Scoring.similarity(2, 4, 1)).isEqualTo(1.0);
		assertThat(Scoring.similarity(0, 4, 1)).isZero();
	}

	@Test
	void anOrderPairsEveryTwoProductsOnce() {
		OrderPlaced order = new OrderPlaced("o1", "c1", List.of(new OrderPlaced.Line("B", 1),
				new OrderPlaced.Line("A", 2), new OrderPlaced.Line("C", 1), new OrderPlaced.Line("A", 1)), NOW);
		Effects effects = this.scoring.onOrder(order, NOW);
		assertThat(effects.boughtTogether()).containsExactly(new Effects.Pair("A", "B"), new Effects.Pair("A", "C"),
				new Effects.Pair("B", "C"));
		assertThat(effects.bought()).containsExactly("A", "B", "C");
		assertThat(effects.eventId()).isEqualTo("order:o1");
	}

	private static Clicked click(String sku, ClickType type, Instant at) {
		return new Clicked(UUID.randomUUID(), "u1", sku, type, "s1", at);
	}

}
