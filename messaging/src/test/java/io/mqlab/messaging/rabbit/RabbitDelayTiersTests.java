package io.mqlab.messaging.rabbit;

import java.time.Duration;
import java.util.Map;

import io.mqlab.messaging.Delay;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RabbitDelayTiersTests {

	@Test
	void spendsExactlyTheDelayInTheTiersOfItsBits() {
		for (long millis : new long[] { 1, 2, 3, 300, 1000, 1500, 1024, 30_000, Delay.MAX.toMillis(),
				RabbitDelayTiers.MAX_MILLIS }) {
			Map<String, Object> headers = RabbitDelayTiers.headers(millis);
			long spent = 0;
			for (int level = 0; level < RabbitDelayTiers.LEVELS; level++) {
				if ("1".equals(headers.get("mqlab-delay-bit-" + level))) {
					spent += 1L << level;
				}
			}
			assertThat(spent).as("%d ms", millis).isEqualTo(millis);
			int highest = 63 - Long.numberOfLeadingZeros(millis);
			assertThat(headers).hasSize(highest + 1);
			assertThat(RabbitDelayTiers.entry(millis)).isEqualTo(RabbitDelayTiers.tier(highest));
		}
	}

	@Test
	void reachesBeyondTheLongestDelay() {
		assertThat(RabbitDelayTiers.MAX_MILLIS).isGreaterThanOrEqualTo(Delay.MAX.toMillis());
		assertThat(RabbitDelayTiers.entry(Delay.MAX.toMillis())).isEqualTo("mqlab.delay.2147483648ms");
		assertThat(RabbitDelayTiers.tier(0)).isEqualTo("mqlab.delay.1ms");
		assertThat(Duration.ofMillis(1L << (RabbitDelayTiers.LEVELS - 1))).isLessThan(Delay.MAX);
	}

	@Test
	void refusesWhatNoTierHolds() {
		assertThatIllegalArgumentException().isThrownBy(() -> RabbitDelayTiers.headers(0));
		assertThatIllegalArgumentException().isThrownBy(() -> RabbitDelayTiers.entry(RabbitDelayTiers.MAX_MILLIS + 1));
	}

}
