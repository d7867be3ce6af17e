package io.mqlab.bench.nativetool;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * How PerfTest's whole-second samples become a throughput.
 */
class BenchPerfTestRatesTests {

	private static final String HEADER = "id,time (s),published (msg/s),returned (msg/s),confirmed (msg/s),"
			+ "nacked (msg/s),received (msg/s),min consumer latency (µs)";

	@Test
	void countsTheLastSecondOnlyAsFarAsItsMessagesGo() throws Exception {
		// 4,000/s for three seconds, then the last 1,000 messages: a quarter of a second.
		RabbitPerfTest.Rates rates = RabbitPerfTest.Rates.of(List.of(HEADER, "t,1.000,4000,,4000,0,4000,1",
				"t,2.000,4000,,4000,0,4000,1", "t,3.000,4000,,4000,0,4000,1", "t,4.000,1000,,1000,0,1000,1"));
		assertThat(rates.published()).isCloseTo(13000 / 3.25, within(1.0));
		assertThat(rates.received()).isCloseTo(13000 / 3.25, within(1.0));
	}

	@Test
	void ignoresSamplesAfterTheLastMessage() throws Exception {
		RabbitPerfTest.Rates rates = RabbitPerfTest.Rates
			.of(List.of(HEADER, "t,1.000,500,,500,0,400,1", "t,2.000,500,,500,0,600,1", "t,3.000,0,,0,0,0,1"));
		assertThat(rates.published()).isEqualTo(500);
		assertThat(rates.received()).isEqualTo(500);
	}

}
