package io.mqlab.cdc.capture;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.mqlab.cdc.change.ProductChanged;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The records read as the PostgreSQL connector makes them ({@code Struct}s, NUMERIC as
 * text, {@code timestamptz} as ISO text, {@code text[]} as a list).
 */
class ChangeEventsTests {

	private static final Schema ROW = SchemaBuilder.struct()
		.name("catalog.public.products.Value")
		.optional()
		.field("sku", Schema.STRING_SCHEMA)
		.field("name", Schema.STRING_SCHEMA)
		.field("description", Schema.OPTIONAL_STRING_SCHEMA)
		.field("price", Schema.STRING_SCHEMA)
		.field("currency", Schema.STRING_SCHEMA)
		.field("stock", Schema.INT32_SCHEMA)
		.field("tags", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build())
		.field("version", Schema.INT64_SCHEMA)
		.field("updated_at", Schema.OPTIONAL_STRING_SCHEMA)
		.build();

	private static final Schema SOURCE = SchemaBuilder.struct()
		.field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
		.field("txId", Schema.OPTIONAL_INT64_SCHEMA)
		.field("ts_ms", Schema.INT64_SCHEMA)
		.build();

	private static final Schema ENVELOPE = SchemaBuilder.struct()
		.field("before", ROW)
		.field("after", ROW)
		.field("source", SOURCE)
		.field("op", Schema.STRING_SCHEMA)
		.build();

	@Test
	void readsAnUpdateWithItsRowsAndSource() {
		ProductChanged change = ChangeEvents
			.read(record(envelope("u", row("CAM-1", "12.50", 3), row("CAM-1", "9.90", 2))));
		assertThat(change.sku()).isEqualTo("CAM-1");
		assertThat(change.op()).isEqualTo("u");
		assertThat(change.lsn()).isEqualTo(4242L);
		assertThat(change.txId()).isEqualTo(77L);
		assertThat(change.commitTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
		assertThat(change.before().price()).isEqualTo(new BigDecimal("12.50"));
		assertThat(change.after().price()).isEqualTo(new BigDecimal("9.90"));
		assertThat(change.after().stock()).isEqualTo(2);
		assertThat(change.after().tags()).containsExactly("camera", "used");
		assertThat(change.after().version()).isEqualTo(5L);
		assertThat(change.after().updatedAt()).isEqualTo(Instant.parse("2026-12-05T01:02:03.123456Z"));
	}

	@Test
	void readsADeleteByItsBeforeImage() {
		ProductChanged change = ChangeEvents.read(record(envelope("d", row("CAM-2", "1.00", 0), null)));
		assertThat(change.sku()).isEqualTo("CAM-2");
		assertThat(change.deletes()).isTrue();
		assertThat(change.after()).isNull();
	}

	@Test
	void skipsWhatIsNoProductChange() {
		Schema heartbeat = SchemaBuilder.struct().field("ts_ms", Schema.INT64_SCHEMA).build();
		assertThat(ChangeEvents.read(record(new Struct(heartbeat).put("ts_ms", 1L)))).isNull();
		assertThat(ChangeEvents.read(record(null))).isNull();
	}

	private static Struct row(String sku, String price, int stock) {
		return new Struct(ROW).put("sku", sku)
			.put("name", "Camera")
			.put("price", price)
			.put("currency", "EUR")
			.put("stock", stock)
			.put("tags", List.of("camera", "used"))
			.put("version", 5L)
			.put("updated_at", "2026-12-05T01:02:03.123456Z");
	}

	private static Struct envelope(String op, Struct before, Struct after) {
		return new Struct(ENVELOPE).put("before", before)
			.put("after", after)
			.put("source", new Struct(SOURCE).put("lsn", 4242L).put("txId", 77L).put("ts_ms", 1_700_000_000_000L))
			.put("op", op);
	}

	private static SourceRecord record(Struct value) {
		return new SourceRecord(Map.of(), Map.of(), "catalog.public.products", null,
				(value != null) ? value.schema() : null, value);
	}

}
