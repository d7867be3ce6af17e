package io.mqlab.messaging;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimestampsTests {

	@Test
	void readsWhatInstantWritesAtEveryPrecision() {
		SplittableRandom random = new SplittableRandom(42);
		long from = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
		long to = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
		for (int i = 0; i < 100_000; i++) {
			long seconds = random.nextLong(from, to + 1);
			int nanos = switch (i % 4) {
				case 0 -> 0;
				case 1 -> random.nextInt(1000) * 1_000_000;
				case 2 -> random.nextInt(1_000_000) * 1_000;
				default -> random.nextInt(1_000_000_000);
			};
			Instant instant = Instant.ofEpochSecond(seconds, nanos);
			assertThat(Timestamps.parse(Timestamps.format(instant))).isEqualTo(instant);
		}
	}

	@Test
	void readsOtherIsoFormsAsInstantParseDoes() {
		for (String text : List.of("2026-11-22T05:00:00.5Z", "2026-11-22T05:00:00.1234Z", "+10000-01-01T00:00:00Z",
				"-0001-06-01T12:00:00Z", "2026-11-22T06:00:00+01:00",
				// the end of a day and a leap second, which Instant.parse accepts
				"2026-01-01T24:00:00Z", "2026-12-31T23:59:60Z")) {
			assertThat(Timestamps.parse(text)).as(text).isEqualTo(Instant.parse(text));
		}
	}

	@Test
	void refusesWhatIsNoInstant() {
		for (String text : List.of("", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01T00:60:00Z",
				"2026-01-01 00:00:00Z", "2026-01-0aT00:00:00Z", "2026-01-01T00:00:00", "1732251600000")) {
			assertThatThrownBy(() -> Timestamps.parse(text)).as(text).isInstanceOf(DateTimeException.class);
		}
	}

}
