package io.mqlab.messaging.contract;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import io.mqlab.messaging.MessageHandler;

/**
 * Records when delayed messages were handled against when they were due, by the same
 * clock that stamped their due time.
 */
final class Timings {

	private final ConcurrentLinkedQueue<Handled> handled = new ConcurrentLinkedQueue<>();

	private final Set<UUID> ids = ConcurrentHashMap.newKeySet();

	private final Set<String> undelayed = ConcurrentHashMap.newKeySet();

	MessageHandler<Numbered> handler() {
		return (payload, context) -> {
			Instant now = Instant.now();
			Instant due = context.envelope().deliverAt();
			// A due time in the past means now: lateness counts from the publish then.
			Instant published = context.envelope().timestamp();
			Instant effective = (due == null) ? now : (due.isBefore(published) ? published : due);
			this.handled.add(new Handled(payload.key() + "#" + payload.seq(), effective, now));
			if (due == null) {
				this.undelayed.add(payload.key() + "#" + payload.seq());
			}
			this.ids.add(context.envelope().id());
		};
	}

	int size() {
		return this.handled.size();
	}

	int distinct() {
		return this.ids.size();
	}

	List<String> keySeqs() {
		return this.handled.stream().map(Handled::keySeq).toList();
	}

	/**
	 * Messages that arrived without a due time: only those published with no delay left,
	 * or an adapter lost the header (and with it the proof they were not early).
	 */
	Set<String> undelayed() {
		return Set.copyOf(this.undelayed);
	}

	/** Messages handled before they were due: each one breaks the contract. */
	List<String> early() {
		return this.handled.stream()
			.filter((h) -> h.at().isBefore(h.due()))
			.map((h) -> h.keySeq() + " handled " + Duration.between(h.at(), h.due()).toMillis() + " ms early")
			.collect(Collectors.toCollection(ArrayList::new));
	}

	Duration maxLateness() {
		return this.handled.stream()
			.map((h) -> Duration.between(h.due(), h.at()))
			.max(Duration::compareTo)
			.orElse(Duration.ZERO);
	}

	private record Handled(String keySeq, Instant due, Instant at) {

	}

}
