package io.mqlab.reconciliation.report;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.mqlab.reconciliation.reconcile.FieldDiff;

/**
 * One order and where the services disagree on it.
 *
 * @param orderId the order
 * @param status its verdict
 * @param late whether one side came after the grace period
 * @param comparedAt when both sides were compared
 * @param diffs the fields that differ
 */
public record Mismatch(UUID orderId, String status, boolean late, Instant comparedAt, List<FieldDiff> diffs) {

}
