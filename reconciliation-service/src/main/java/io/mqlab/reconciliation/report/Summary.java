package io.mqlab.reconciliation.report;

import java.util.Map;

/**
 * Where reconciliation stands.
 *
 * @param total orders seen on either side
 * @param matched both sides agree on every compared field
 * @param mismatched both sides arrived and differ
 * @param missingInLegacy only the rewrite published it, after the grace period
 * @param missingInNew only the legacy service published it, after the grace period
 * @param pending one side arrived, still within the grace period
 * @param late orders whose second side arrived after they were counted missing
 * @param matchRate matched / decided orders (0 when none is decided)
 * @param fields mismatched orders per field
 * @param fieldMismatchRates mismatched orders per field / orders compared
 */
public record Summary(long total, long matched, long mismatched, long missingInLegacy, long missingInNew, long pending,
		long late, double matchRate, Map<String, Long> fields, Map<String, Double> fieldMismatchRates) {

}
