package io.mqlab.cdc.capture;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.mqlab.cdc.change.Product;
import io.mqlab.cdc.change.ProductChanged;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Reads Debezium's change records of the products table ({@code Struct}s of the change
 * envelope, {@code decimal.handling.mode=string}) into {@link ProductChanged}. The
 * records are read as the connector made them: no converter writes them as JSON text
 * first, only for this to parse it again.
 */
final class ChangeEvents {

	private ChangeEvents() {
	}

	/** The change, or null for what is no product change (a tombstone, a heartbeat). */
	static ProductChanged read(SourceRecord record) {
		if (!(record.value() instanceof Struct event) || event.schema().field("op") == null) {
			return null;
		}
		String op = event.getString("op");
		if (op == null) {
			return null;
		}
		Product before = product(event.getStruct("before"));
		Product after = product(event.getStruct("after"));
		Product row = (after != null) ? after : before;
		if (row == null) {
			return null;
		}
		Struct source = event.getStruct("source");
		Object txId = source.get("txId");
		return new ProductChanged(row.sku(), op, before, after, ((Number) source.get("lsn")).longValue(),
				(txId != null) ? ((Number) txId).longValue() : null,
				Instant.ofEpochMilli(((Number) source.get("ts_ms")).longValue()));
	}

	private static Product product(Struct row) {
		if (row == null) {
			return null;
		}
		List<String> tags = new ArrayList<>();
		if (value(row, "tags") instanceof List<?> array) {
			array.forEach((tag) -> tags.add(String.valueOf(tag)));
		}
		String price = text(row, "price");
		String updatedAt = text(row, "updated_at");
		return new Product(text(row, "sku"), text(row, "name"), text(row, "description"),
				(price != null) ? new BigDecimal(price) : null, text(row, "currency"), number(row, "stock").intValue(),
				tags, number(row, "version").longValue(), (updatedAt != null) ? Instant.parse(updatedAt) : null);
	}

	private static Object value(Struct row, String column) {
		Field field = row.schema().field(column);
		return (field != null) ? row.get(field) : null;
	}

	private static String text(Struct row, String column) {
		Object value = value(row, column);
		return (value != null) ? value.toString() : null;
	}

	private static Number number(Struct row, String column) {
		return (value(row, column) instanceof Number number) ? number : 0;
	}

}
