package io.mqlab.reconciliation.reconcile;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Pairs the two services' events by order id and records the verdict. Each event takes a
 * row lock on its order's result, so the two sides of one order arriving at once are
 * compared exactly once; an event already recorded for its side changes nothing.
 */
@Component
public class Reconciler {

	private static final Log logger = LogFactory.getLog(Reconciler.class);

	private static final String ENSURE_RESULT = """
			INSERT INTO reconciliation_result (order_id, status, first_seen_at) VALUES (?, 'PENDING', ?)
			ON CONFLICT DO NOTHING
			""";

	private static final String LOCK_RESULT = "SELECT status FROM reconciliation_result WHERE order_id = ? FOR UPDATE";

	private static final String RECORD_EVENT = """
			INSERT INTO order_event (order_id, side, message_id, payload, received_at) VALUES (?, ?, ?, ?::jsonb, ?)
			ON CONFLICT DO NOTHING
			""";

	private static final String MARK_SIDE = """
			UPDATE reconciliation_result SET legacy_at = CASE WHEN ? = 'LEGACY' THEN ? ELSE legacy_at END,
			       new_at = CASE WHEN ? = 'NEW' THEN ? ELSE new_at END
			WHERE order_id = ?
			""";

	private static final String VERDICT = """
			UPDATE reconciliation_result SET status = ?, compared_at = ?, late = late OR ?
			WHERE order_id = ?
			""";

	private static final String INSERT_DIFF = """
			INSERT INTO field_diff (order_id, field, normalized_field, legacy_value, new_value) VALUES (?, ?, ?, ?, ?)
			""";

	private static final String SWEEP = """
			UPDATE reconciliation_result
			SET status = CASE WHEN legacy_at IS NULL THEN 'MISSING_IN_LEGACY' ELSE 'MISSING_IN_NEW' END
			WHERE status = 'PENDING' AND first_seen_at < ?
			""";

	private final JdbcClient jdbc;

	private final FieldComparator comparator;

	private final ReconciliationSettings settings;

	private final Clock clock;

	Reconciler(JdbcClient jdbc, ReconciliationSettings settings, Clock clock) {
		this.jdbc = jdbc;
		this.settings = settings;
		this.comparator = new FieldComparator(settings.ignoreFields(), settings.numericTolerance());
		this.clock = clock;
	}

	/**
	 * Records one side's event and, when both sides are in, compares them.
	 * @return whether the event was new (a redelivery returns false and counts nothing)
	 */
	@Transactional
	public boolean record(Side side, String json, UUID messageId) {
		JsonNode event = ExactJson.read(json);
		UUID orderId = orderId(event);
		Timestamp now = Timestamp.from(this.clock.instant());
		this.jdbc.sql(ENSURE_RESULT).params(orderId, now).update();
		String previous = this.jdbc.sql(LOCK_RESULT).param(orderId).query(String.class).single();
		int inserted = this.jdbc.sql(RECORD_EVENT)
			.params(orderId, side.name(), messageId, event.toString(), now)
			.update();
		if (inserted == 0) {
			return false;
		}
		this.jdbc.sql(MARK_SIDE).params(side.name(), now, side.name(), now, orderId).update();
		Map<String, String> payloads = this.jdbc.sql("SELECT side, payload::text FROM order_event WHERE order_id = ?")
			.param(orderId)
			.query((rs, row) -> Map.entry(rs.getString(1), rs.getString(2)))
			.list()
			.stream()
			.collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
		if (payloads.size() == 2) {
			compare(orderId, payloads, previous.startsWith("MISSING"), now);
		}
		return true;
	}

	private void compare(UUID orderId, Map<String, String> payloads, boolean late, Timestamp now) {
		List<FieldDiff> diffs = this.comparator.compare(ExactJson.read(payloads.get(Side.LEGACY.name())),
				ExactJson.read(payloads.get(Side.NEW.name())));
		this.jdbc.sql("DELETE FROM field_diff WHERE order_id = ?").param(orderId).update();
		for (FieldDiff diff : diffs) {
			this.jdbc.sql(INSERT_DIFF)
				.params(orderId, diff.field(), diff.normalizedField(), diff.legacy(), diff.rewrite())
				.update();
		}
		String status = diffs.isEmpty() ? "MATCHED" : "MISMATCHED";
		this.jdbc.sql(VERDICT).params(status, now, late, orderId).update();
		if (!diffs.isEmpty()) {
			logger.info("Order " + orderId + " mismatched on " + diffs.stream().map(FieldDiff::field).toList());
		}
		else {
			logger.info("Order " + orderId + " matched");
		}
	}

	/** Marks orders whose other side did not come within the grace period as missing. */
	@Scheduled(fixedDelayString = "${mqlab.reconciliation.sweep-interval:1s}")
	public int sweep() {
		Instant cutoff = this.clock.instant().minus(this.settings.gracePeriod());
		return this.jdbc.sql(SWEEP).param(Timestamp.from(cutoff)).update();
	}

	private static UUID orderId(JsonNode event) {
		JsonNode id = event.get("orderId");
		if (id == null || !id.isString()) {
			throw new IllegalArgumentException("Event has no orderId: " + event);
		}
		return UUID.fromString(id.asString());
	}

}
