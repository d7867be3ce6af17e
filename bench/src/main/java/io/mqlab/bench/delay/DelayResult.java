package io.mqlab.bench.delay;

import io.mqlab.bench.workload.Latency;

/**
 * How one backend kept its promises with {@code pending} delayed messages waiting at
 * once.
 *
 * @param backend the backend id
 * @param pending delayed messages published before the first became due
 * @param publishPerSec delayed publishes per second
 * @param window the span of due times, in seconds
 * @param delivered distinct messages handled
 * @param lost published but never handled
 * @param duplicates handlings beyond the first
 * @param early handled before their due time (each one breaks the contract)
 * @param latenessMs handled time minus due time, percentiles in ms
 * @param error why the run failed, or {@code null}
 */
public record DelayResult(String backend, int pending, double publishPerSec, double window, long delivered, long lost,
		long duplicates, long early, Latency latenessMs, String error) {

	static DelayResult failed(String backend, int pending, Exception ex) {
		return new DelayResult(backend, pending, 0, 0, 0, pending, 0, 0, Latency.NONE, ex.toString());
	}

}
