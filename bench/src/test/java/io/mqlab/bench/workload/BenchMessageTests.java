package io.mqlab.bench.workload;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The payload is as big as asked, and producers own disjoint keys.
 */
class BenchMessageTests {

	@Test
	void serializesToExactlyTheConfiguredSize() {
		JsonMapper json = JsonMapper.builder().build();
		for (int size : new int[] { 128, 1024, 4096 }) {
			BenchMessage message = BenchMessage.of(1, 123_456, 42, 7, System.nanoTime(), size);
			assertThat(json.writeValueAsString(message).getBytes(StandardCharsets.UTF_8)).hasSize(size);
			assertThat(json.readValue(json.writeValueAsString(message), BenchMessage.class)).isEqualTo(message);
		}
	}

	@Test
	void producersOwnDisjointKeysCoveringAll() {
		KeyShare first = new KeyShare(0, 3, 10);
		KeyShare second = new KeyShare(1, 3, 10);
		KeyShare third = new KeyShare(2, 3, 10);
		assertThat(first.size() + second.size() + third.size()).isEqualTo(10);
		assertThat(first.key(0)).isZero();
		assertThat(second.key(second.size() - 1)).isEqualTo(7);
		assertThat(first.takeSeq(0)).isZero();
		assertThat(first.takeSeq(0)).isEqualTo(1);
	}

	@Test
	void countsDuplicatesOrderViolationsAndLosses() {
		DeliveryTracker tracker = new DeliveryTracker("test", 4, 1);
		for (int i = 0; i < 4; i++) {
			tracker.confirmed(i);
		}
		tracker.delivered(BenchMessage.of(0, 0, 0, 0, System.nanoTime(), 10), "a");
		tracker.delivered(BenchMessage.of(0, 2, 0, 2, System.nanoTime(), 10), "a");
		tracker.delivered(BenchMessage.of(0, 1, 0, 1, System.nanoTime(), 10), "b");
		tracker.delivered(BenchMessage.of(0, 1, 0, 1, System.nanoTime(), 10), "b");
		PhaseResult result = tracker.result(4, 0);
		assertThat(result.delivered()).isEqualTo(3);
		assertThat(result.duplicates()).isEqualTo(1);
		assertThat(result.orderViolations()).isEqualTo(1);
		assertThat(result.lost()).isEqualTo(1);
		assertThat(tracker.activeMembers()).isEqualTo(2);
	}

}
