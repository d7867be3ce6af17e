package io.mqlab.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A batch goes to the handler in one call; when that call throws, its messages go one by
 * one, so a bad one is retried and dead-lettered alone and the others are handled.
 */
class DispatcherBatchTests {

	record Counted(int count) {

	}

	private final List<List<Integer>> calls = new CopyOnWriteArrayList<>();

	private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();

	@Test
	void handsTheMessagesInHandToOneCallInOrder() throws Exception {
		Dispatcher dispatcher = dispatcher(-1);
		dispatcher.dispatchBatch(deliveries(1, 2, 3, 4), this.deadLetters::add);
		assertThat(this.calls).containsExactly(List.of(1, 2, 3, 4));
		assertThat(this.deadLetters).isEmpty();
	}

	@Test
	void aFailingBatchIsHandledOneByOneAndOnlyTheBadMessageIsDeadLettered() throws Exception {
		Dispatcher dispatcher = dispatcher(3);
		dispatcher.dispatchBatch(deliveries(1, 2, 3, 4), this.deadLetters::add);
		assertThat(this.calls).containsExactly(List.of(1, 2, 3, 4), List.of(1), List.of(2), List.of(3), List.of(3),
				List.of(4));
		assertThat(this.deadLetters).singleElement().satisfies((dead) -> {
			assertThat(dead.envelope().payload()).isEqualTo("{\"count\":3}");
			assertThat(dead.attempts()).isEqualTo(2);
		});
	}

	@Test
	void anUnreadableMessageSendsTheBatchOneByOne() throws Exception {
		Dispatcher dispatcher = dispatcher(-1);
		List<Dispatcher.Delivery> deliveries = new ArrayList<>(deliveries(1, 2));
		deliveries.add(1, new Dispatcher.Delivery(envelope("{\"count\":"), false));
		dispatcher.dispatchBatch(deliveries, this.deadLetters::add);
		assertThat(this.calls).containsExactly(List.of(1), List.of(2));
		assertThat(this.deadLetters).singleElement()
			.satisfies((dead) -> assertThat(dead.envelope().payload()).isEqualTo("{\"count\":"));
	}

	@Test
	void saysHowManyMayBeAcknowledgedWhenADeadLetterCannotBeWritten() {
		Dispatcher dispatcher = dispatcher(2);
		assertThatThrownBy(() -> dispatcher.dispatchBatch(deliveries(1, 2, 3), (deadLetter) -> {
			throw new IllegalStateException("dead letters unreachable");
		})).isInstanceOfSatisfying(BatchDispatchException.class, (ex) -> {
			assertThat(ex.handled()).isEqualTo(1);
			assertThat(ex.interrupted()).isFalse();
		});
	}

	@Test
	void refusesMoreThanItsMostAtOnce() {
		Dispatcher dispatcher = dispatcher(-1);
		assertThatThrownBy(() -> dispatcher.dispatchBatch(deliveries(1, 2, 3, 4, 5, 6), this.deadLetters::add))
			.isInstanceOf(IllegalArgumentException.class);
	}

	/**
	 * A dispatcher of batches of up to 4 whose handler fails whenever it gets
	 * {@code bad}.
	 */
	private Dispatcher dispatcher(int bad) {
		return new Dispatcher("counts", "g", Counted.class, (payloads, contexts) -> {
			this.calls.add(payloads.stream().map(Counted::count).toList());
			assertThat(contexts).hasSameSizeAs(payloads);
			if (payloads.contains(new Counted(bad))) {
				throw new IllegalStateException("bad " + bad);
			}
		}, 4, new RetrySettings(2, Duration.ofMillis(1), 1.0, Duration.ofMillis(1)), JsonMapper.shared(),
				new MessagingMetrics(new SimpleMeterRegistry(), Backend.REDIS));
	}

	private static List<Dispatcher.Delivery> deliveries(int... counts) {
		List<Dispatcher.Delivery> deliveries = new ArrayList<>();
		for (int count : counts) {
			deliveries.add(new Dispatcher.Delivery(envelope("{\"count\":" + count + "}"), false));
		}
		return deliveries;
	}

	private static Envelope envelope(String payload) {
		return new Envelope(UUID.randomUUID(), "counts", "k", "Counted", Instant.now(), Map.of(), payload);
	}

}
