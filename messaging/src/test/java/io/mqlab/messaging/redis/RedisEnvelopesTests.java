package io.mqlab.messaging.redis;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The envelope's wire format, where it is read without the general parsers. */
class RedisEnvelopesTests {

	@Test
	void readsWhatInstantToStringWrites() {
		for (Instant instant : new Instant[] { Instant.EPOCH, Instant.parse("2026-11-22T05:42:22Z"),
				Instant.parse("2026-11-22T05:42:22.100Z"), Instant.parse("2024-02-29T23:59:59.000001Z"),
				Instant.parse("1969-12-31T23:59:59.999999999Z"), Instant.parse("0001-01-01T00:00:00.5Z"),
				Instant.now() }) {
			assertThat(RedisEnvelopes.instant(instant.toString())).isEqualTo(instant);
		}
	}

	@Test
	void leavesOtherFormsToTheIsoParser() {
		assertThat(RedisEnvelopes.instant("+10000-01-01T00:00:00Z")).isEqualTo(Instant.parse("+10000-01-01T00:00:00Z"));
		assertThat(RedisEnvelopes.instant("2026-11-22T05:42:22.5+00:00"))
			.isEqualTo(Instant.parse("2026-11-22T05:42:22.500Z"));
	}

	@Test
	void rejectsWhatIsNoInstant() {
		assertThatExceptionOfType(DateTimeParseException.class).isThrownBy(() -> RedisEnvelopes.instant("2026-11-22"));
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> RedisEnvelopes.instant("2026-02-30T05:42:22Z"));
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> RedisEnvelopes.instant("2026-11-22T05:4x:22.1Z"));
	}

}
