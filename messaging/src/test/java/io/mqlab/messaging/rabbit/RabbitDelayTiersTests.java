package io.mqlab.messaging.rabbit;

import java.util.Map;

import io.mqlab.messaging.Delay;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RabbitDelayTiersTests {

	@Test
	void spendsTheDelayRoundedUpToAUnitInTheQueuesOfItsDigits() {
		for (long millis : new long[] { 1, 49, 50, 51, 300, 1000, 1500, 2500, 30_000, 86_400_000, Delay.MAX.toMillis(),
				RabbitDelayTiers.MAX_MILLIS }) {
			Map<String, Object> headers = RabbitDelayTiers.headers(millis);
			long spent = 0;
			long unit = RabbitDelayTiers.UNIT_MILLIS;
			for (int level = 0; level < headers.size(); level++) {
				spent += Long.parseLong((String) headers.get("mqlab-delay-digit-" + level)) * unit;
				unit *= RabbitDelayTiers.BASE;
			}
			assertThat(spent).as("%d ms", millis)
				.isGreaterThanOrEqualTo(millis)
				.isLessThan(millis + RabbitDelayTiers.UNIT_MILLIS);
			assertThat(headers.get("mqlab-delay-digit-" + (headers.size() - 1))).as("highest digit").isNotEqualTo("0");
			assertThat(RabbitDelayTiers.entry(millis)).isEqualTo(RabbitDelayTiers.exchange(headers.size() - 1));
		}
	}

	@Test
	void namesTiersAfterTheirTimeToLive() {
		assertThat(RabbitDelayTiers.queue(0, 1)).isEqualTo("mqlab.delay.v2.50ms");
		assertThat(RabbitDelayTiers.queue(1, 3)).isEqualTo("mqlab.delay.v2.600ms");
		assertThat(RabbitDelayTiers.exchange(2)).isEqualTo("mqlab.delay.v2.800ms");
		assertThat(RabbitDelayTiers.entry(1500)).isEqualTo("mqlab.delay.v2.800ms");
		assertThat(RabbitDelayTiers.entry(Delay.MAX.toMillis())).isEqualTo(RabbitDelayTiers.exchange(12));
	}

	@Test
	void holdsTheLongestDelayButRefusesWhatNoTierHolds() {
		assertThat(RabbitDelayTiers.MAX_MILLIS).isGreaterThanOrEqualTo(Delay.MAX.toMillis());
		assertThatIllegalArgumentException().isThrownBy(() -> RabbitDelayTiers.headers(0));
		assertThatIllegalArgumentException().isThrownBy(() -> RabbitDelayTiers.entry(RabbitDelayTiers.MAX_MILLIS + 1));
	}

}
