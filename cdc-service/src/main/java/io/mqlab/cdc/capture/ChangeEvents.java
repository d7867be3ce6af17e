package io.mqlab.cdc.capture;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.mqlab.cdc.change.Product;
import io.mqlab.cdc.change.ProductChanged;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads Debezium's JSON change events (schemas off, {@code decimal.handling.mode=string})
 * of the products table into {@link ProductChanged}.
 */
final class ChangeEvents {

	private final JsonMapper json;

	ChangeEvents(JsonMapper json) {
		this.json = json;
	}

	/** The change, or null for what is no product change (a tombstone, a heartbeat). */
	ProductChanged read(String value) {
		if (value == null) {
			return null;
		}
		JsonNode event = this.json.readTree(value);
		JsonNode op = event.get("op");
		if (op == null || op.isNull()) {
			return null;
		}
		Product before = product(event.get("before"));
		Product after = product(event.get("after"));
		Product row = (after != null) ? after : before;
		if (row == null) {
			return null;
		}
		JsonNode source = event.get("source");
		JsonNode txId = source.get("txId");
		return new ProductChanged(row.sku(), op.asString(), before, after, source.get("lsn").asLong(),
				(txId == null || txId.isNull()) ? null : txId.asLong(),
				Instant.ofEpochMilli(source.get("ts_ms").asLong()));
	}

	private static Product product(JsonNode row) {
		if (row == null || row.isNull()) {
			return null;
		}
		List<String> tags = new ArrayList<>();
		JsonNode array = row.get("tags");
		if (array != null && array.isArray()) {
			array.forEach((tag) -> tags.add(tag.asString()));
		}
		return new Product(row.get("sku").asString(), text(row, "name"), text(row, "description"),
				(row.get("price") == null || row.get("price").isNull()) ? null
						: new BigDecimal(row.get("price").asString()),
				text(row, "currency"), row.path("stock").asInt(), tags, row.path("version").asLong(),
				(text(row, "updated_at") != null) ? Instant.parse(text(row, "updated_at")) : null);
	}

	private static String text(JsonNode row, String field) {
		JsonNode node = row.get(field);
		return (node == null || node.isNull()) ? null : node.asString();
	}

}
