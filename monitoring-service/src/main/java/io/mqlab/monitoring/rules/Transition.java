package io.mqlab.monitoring.rules;

/**
 * A notified change of an alert's phase.
 *
 * @param from the phase before
 * @param to the phase after
 * @param seq the alert's transition sequence after it (1 for the first firing)
 * @param at when, epoch milliseconds (event time; absence: the evaluation time)
 * @param value the value that caused it ({@code NaN} for absence)
 */
public record Transition(Phase from, Phase to, long seq, long at, double value) {

}
