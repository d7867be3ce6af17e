package io.mqlab.bench.workload;

/**
 * Confirmed messages not handled yet, at one moment of a run.
 *
 * @param seconds since the run on this backend started
 * @param backlog confirmed but not yet handled
 * @param phase the phase running then
 */
public record BacklogPoint(double seconds, long backlog, String phase) {

}
