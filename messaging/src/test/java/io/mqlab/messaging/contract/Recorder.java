package io.mqlab.messaging.contract;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import io.mqlab.messaging.MessageContext;
import io.mqlab.messaging.MessageHandler;

/**
 * Records what handlers received, in handling order, and checks delivery guarantees.
 */
public final class Recorder {

	private final AtomicLong order = new AtomicLong();

	private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();

	public MessageHandler<Numbered> handler(String member) {
		return (payload, context) -> record(member, payload, context);
	}

	public void record(String member, Numbered payload, MessageContext context) {
		this.received.add(new Received(member, this.order.incrementAndGet(), payload.key(), payload.seq(),
				context.envelope().id(), context.redelivered()));
	}

	public List<Received> all() {
		return new ArrayList<>(this.received);
	}

	public int size() {
		return this.received.size();
	}

	public Set<String> distinctKeySeqs() {
		Set<String> seen = new HashSet<>();
		for (Received r : this.received) {
			seen.add(r.key() + "#" + r.seq());
		}
		return seen;
	}

	public Set<String> members() {
		Set<String> members = new HashSet<>();
		this.received.forEach((r) -> members.add(r.member()));
		return members;
	}

	/**
	 * Duplicates the broker did not flag as redelivered: each one is a contract breach.
	 */
	public List<Received> unexplainedDuplicates() {
		Set<String> seen = new HashSet<>();
		List<Received> unexplained = new ArrayList<>();
		for (Received r : sorted()) {
			if (!seen.add(r.key() + "#" + r.seq()) && !r.redelivered()) {
				unexplained.add(r);
			}
		}
		return unexplained;
	}

	/**
	 * Handlings that came before an earlier message of the same key had been handled.
	 */
	public List<String> orderViolations() {
		Map<String, Integer> highest = new HashMap<>();
		List<String> violations = new ArrayList<>();
		for (Received r : sorted()) {
			int previous = highest.getOrDefault(r.key(), 0);
			if (r.seq() > previous + 1) {
				violations.add(r.key() + ": seq " + r.seq() + " handled when only " + previous + " had been");
			}
			highest.put(r.key(), Math.max(previous, r.seq()));
		}
		return violations;
	}

	private List<Received> sorted() {
		List<Received> all = all();
		all.sort((a, b) -> Long.compare(a.order(), b.order()));
		return all;
	}

}
