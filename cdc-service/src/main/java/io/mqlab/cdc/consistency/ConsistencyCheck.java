package io.mqlab.cdc.consistency;

import java.sql.Array;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.mqlab.cdc.SourceDatabase;
import io.mqlab.cdc.change.Product;
import io.mqlab.cdc.sink.ProductSink;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Compares the source table with every sink row by row, by the hash of each row: a row
 * the sink lacks is missing, one it holds that the source does not is extra, one whose
 * hash differs is stale. Reads the source a page at a time (keyset on SKU); keeps at most
 * {@link #MAX_DIFFERENCES} differences in the answer, and counts all.
 */
@Component
class ConsistencyCheck {

	static final int MAX_DIFFERENCES = 10_000;

	private static final int PAGE = 1000;

	private static final String ROWS = """
			SELECT sku, name, description, price, currency, stock, tags, version, updated_at
			FROM %s WHERE sku > ? ORDER BY sku LIMIT %d
			""";

	private final SourceDatabase source;

	private final List<ProductSink> sinks;

	ConsistencyCheck(SourceDatabase source, ObjectProvider<ProductSink> sinks) {
		this.source = source;
		// none when this instance runs no sink role
		this.sinks = sinks.orderedStream().toList();
	}

	Result run() {
		Map<String, Counts> counts = new LinkedHashMap<>();
		this.sinks.forEach((sink) -> counts.put(sink.name(), new Counts()));
		List<Difference> differences = new ArrayList<>();
		long sourceRows = 0;
		String after = "";
		while (true) {
			List<Product> page = sourcePage(after);
			if (page.isEmpty()) {
				break;
			}
			sourceRows += page.size();
			List<String> skus = page.stream().map(Product::sku).toList();
			for (ProductSink sink : this.sinks) {
				Map<String, Product> held = sink.read(skus);
				Counts count = counts.get(sink.name());
				for (Product row : page) {
					Product copy = held.get(row.sku());
					if (copy == null) {
						count.missing++;
						add(differences, new Difference(sink.name(), row.sku(), "missing", row.hash(), null));
					}
					else if (!copy.hash().equals(row.hash())) {
						count.stale++;
						add(differences, new Difference(sink.name(), row.sku(), "stale", row.hash(), copy.hash()));
					}
					else {
						count.equal++;
					}
				}
			}
			after = skus.get(skus.size() - 1);
		}
		for (ProductSink sink : this.sinks) {
			Counts count = counts.get(sink.name());
			sink.forEachSkuPage((skus) -> {
				count.rows += skus.size();
				Set<String> known = existing(skus);
				for (String sku : skus) {
					if (!known.contains(sku)) {
						count.extra++;
						add(differences, new Difference(sink.name(), sku, "extra", null, null));
					}
				}
			});
		}
		Map<String, SinkResult> results = new LinkedHashMap<>();
		counts.forEach((name, count) -> results.put(name, new SinkResult(count.rows, count.equal, count.missing,
				count.extra, count.stale, count.missing + count.extra + count.stale == 0)));
		return new Result(Instant.now(), sourceRows, results, differences);
	}

	private List<Product> sourcePage(String after) {
		return this.source.jdbc()
			.sql(ROWS.formatted(this.source.settings().table(), PAGE))
			.param(after)
			.query((rs, n) -> {
				Array tags = rs.getArray("tags");
				return new Product(rs.getString("sku"), rs.getString("name"), rs.getString("description"),
						rs.getBigDecimal("price"), rs.getString("currency"), rs.getInt("stock"),
						(tags != null) ? List.of((String[]) tags.getArray()) : List.of(), rs.getLong("version"),
						rs.getObject("updated_at", java.time.OffsetDateTime.class).toInstant());
			})
			.list();
	}

	private Set<String> existing(List<String> skus) {
		return new HashSet<>(this.source.jdbc()
			.sql("SELECT sku FROM " + this.source.settings().table() + " WHERE sku = ANY(?)")
			.param(skus.toArray(String[]::new))
			.query(String.class)
			.list());
	}

	private static void add(List<Difference> differences, Difference difference) {
		if (differences.size() < MAX_DIFFERENCES) {
			differences.add(difference);
		}
	}

	private static final class Counts {

		long rows;

		long equal;

		long missing;

		long extra;

		long stale;

	}

	/**
	 * @param checkedAt when the check ended
	 * @param sourceRows rows in the source table
	 * @param sinks per sink
	 * @param differences every difference found (at most {@link #MAX_DIFFERENCES})
	 */
	record Result(Instant checkedAt, long sourceRows, Map<String, SinkResult> sinks, List<Difference> differences) {

	}

	/**
	 * @param rows live rows the sink holds
	 * @param equal rows equal to the source's
	 * @param missing source rows the sink lacks
	 * @param extra sink rows the source lacks
	 * @param stale rows that differ from the source's
	 * @param consistent no missing, extra or stale row
	 */
	record SinkResult(long rows, long equal, long missing, long extra, long stale, boolean consistent) {

	}

	/**
	 * @param sink the sink
	 * @param sku the product
	 * @param kind missing, extra or stale
	 * @param sourceHash the source row's hash (null when extra)
	 * @param sinkHash the sink row's hash (null when missing or extra)
	 */
	record Difference(String sink, String sku, String kind, String sourceHash, String sinkHash) {

	}

}
