package io.mqlab.reconciliation.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.mqlab.reconciliation.reconcile.FieldDiff;
import tools.jackson.databind.JsonNode;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Reads the verdicts the {@code Reconciler} wrote.
 */
@Component
class ReconciliationReport {

	private static final String COUNTS = """
			SELECT count(*) AS total,
			       count(*) FILTER (WHERE status = 'MATCHED') AS matched,
			       count(*) FILTER (WHERE status = 'MISMATCHED') AS mismatched,
			       count(*) FILTER (WHERE status = 'MISSING_IN_LEGACY') AS missing_in_legacy,
			       count(*) FILTER (WHERE status = 'MISSING_IN_NEW') AS missing_in_new,
			       count(*) FILTER (WHERE status = 'PENDING') AS pending,
			       count(*) FILTER (WHERE late) AS late
			FROM reconciliation_result
			""";

	private static final String FIELD_COUNTS = """
			SELECT normalized_field, count(DISTINCT order_id) FROM field_diff
			GROUP BY normalized_field ORDER BY count(DISTINCT order_id) DESC, normalized_field
			""";

	private static final String MISMATCHES = """
			SELECT r.order_id, r.status, r.late, r.compared_at FROM reconciliation_result r
			WHERE r.status = 'MISMATCHED'
			  AND (CAST(? AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM field_diff d WHERE d.order_id = r.order_id
			       AND (d.normalized_field = ? OR d.field = ?)))
			ORDER BY r.compared_at DESC, r.order_id LIMIT ? OFFSET ?
			""";

	private static final String COUNT_MISMATCHES = """
			SELECT count(*) FROM reconciliation_result r WHERE r.status = 'MISMATCHED'
			  AND (CAST(? AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM field_diff d WHERE d.order_id = r.order_id
			       AND (d.normalized_field = ? OR d.field = ?)))
			""";

	private final JdbcClient jdbc;

	ReconciliationReport(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	Summary summary() {
		return this.jdbc.sql(COUNTS).query((rs, row) -> summary(rs)).single();
	}

	private Summary summary(ResultSet rs) throws SQLException {
		long matched = rs.getLong("matched");
		long mismatched = rs.getLong("mismatched");
		long decided = matched + mismatched + rs.getLong("missing_in_legacy") + rs.getLong("missing_in_new");
		long compared = matched + mismatched;
		Map<String, Long> fields = new LinkedHashMap<>();
		this.jdbc.sql(FIELD_COUNTS).query((r) -> {
			fields.put(r.getString(1), r.getLong(2));
		});
		Map<String, Double> rates = new LinkedHashMap<>();
		fields.forEach((field, count) -> rates.put(field, ratio(count, compared)));
		return new Summary(rs.getLong("total"), matched, mismatched, rs.getLong("missing_in_legacy"),
				rs.getLong("missing_in_new"), rs.getLong("pending"), rs.getLong("late"), ratio(matched, decided),
				fields, rates);
	}

	private static double ratio(long part, long whole) {
		if (whole == 0) {
			return 0;
		}
		return BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 4, RoundingMode.HALF_UP).doubleValue();
	}

	MismatchPage mismatches(String field, int page, int size) {
		List<Mismatch> items = this.jdbc.sql(MISMATCHES)
			.params(field, field, field, size, (long) page * size)
			.query((rs, row) -> new Mismatch(rs.getObject("order_id", UUID.class), rs.getString("status"),
					rs.getBoolean("late"), instant(rs.getTimestamp("compared_at")), List.of()))
			.list()
			.stream()
			.map((mismatch) -> new Mismatch(mismatch.orderId(), mismatch.status(), mismatch.late(),
					mismatch.comparedAt(), diffs(mismatch.orderId())))
			.toList();
		long total = this.jdbc.sql(COUNT_MISMATCHES).params(field, field, field).query(Long.class).single();
		return new MismatchPage(page, size, total, items);
	}

	Optional<OrderReconciliation> order(UUID orderId) {
		return this.jdbc.sql("SELECT status, late, compared_at FROM reconciliation_result WHERE order_id = ?")
			.param(orderId)
			.query((rs, row) -> new OrderReconciliation(orderId, rs.getString("status"), rs.getBoolean("late"),
					instant(rs.getTimestamp("compared_at")), event(orderId, "LEGACY"), event(orderId, "NEW"),
					diffs(orderId)))
			.optional();
	}

	private JsonNode event(UUID orderId, String side) {
		return this.jdbc.sql("SELECT payload::text FROM order_event WHERE order_id = ? AND side = ?")
			.params(orderId, side)
			.query(String.class)
			.optional()
			.map(io.mqlab.reconciliation.reconcile.ExactJson::read)
			.orElse(null);
	}

	private List<FieldDiff> diffs(UUID orderId) {
		return this.jdbc.sql("SELECT field, legacy_value, new_value FROM field_diff WHERE order_id = ? ORDER BY field")
			.param(orderId)
			.query((rs, row) -> new FieldDiff(rs.getString(1), rs.getString(2), rs.getString(3)))
			.list();
	}

	private static java.time.Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	/** A page of mismatched orders. */
	record MismatchPage(int page, int size, long total, List<Mismatch> items) {

	}

	/** Everything known about one order's reconciliation. */
	record OrderReconciliation(UUID orderId, String status, boolean late, java.time.Instant comparedAt, JsonNode legacy,
			JsonNode rewrite, List<FieldDiff> diffs) {

	}

}
