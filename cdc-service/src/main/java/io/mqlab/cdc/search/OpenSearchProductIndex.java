package io.mqlab.cdc.search;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.cdc.CdcSettings;
import io.mqlab.cdc.change.Product;
import io.mqlab.cdc.change.ProductChanged;
import io.mqlab.cdc.sink.ProductSink;
import io.mqlab.cdc.sink.SinkProgress;
import io.mqlab.messaging.listener.MessageListener;
import org.opensearch.client.opensearch.OpenSearchClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The search sink: the OpenSearch index of the products (full text over name and
 * description, keyword tags, numeric price). A batch of changes is one request to the
 * bulk API, each document carrying its change's LSN as an external version, so OpenSearch
 * itself rejects an older one (409); a delete writes a tombstone document with its LSN
 * (kept {@code tombstone-ttl}) rather than deleting, as OpenSearch forgets a real
 * delete's version after a minute.
 */
@Component
@ConditionalOnBooleanProperty(name = "mqlab.cdc.sinks.search.enabled", matchIfMissing = true)
public class OpenSearchProductIndex implements ProductSink {

	private final OpenSearchJson opensearch;

	private final CdcSettings.Search settings;

	private final SinkProgress progress;

	private final JsonMapper json;

	OpenSearchProductIndex(OpenSearchClient client, JsonMapper json, CdcSettings settings, MeterRegistry meters) {
		this.opensearch = new OpenSearchJson(client, json);
		this.json = json;
		this.settings = settings.sinks().search();
		this.progress = new SinkProgress(name(), meters);
		createIndex();
	}

	/** Creates the index unless it exists (the answer then says so). */
	private void createIndex() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("sku", Map.of("type", "keyword"));
		properties.put("name", Map.of("type", "text"));
		properties.put("description", Map.of("type", "text"));
		// mapper-extras (scaled_float) is not in every distribution
		properties.put("price", Map.of("type", "double"));
		properties.put("currency", Map.of("type", "keyword"));
		properties.put("stock", Map.of("type", "integer"));
		properties.put("tags", Map.of("type", "keyword"));
		properties.put("version", Map.of("type", "long"));
		properties.put("updatedAt", Map.of("type", "date"));
		properties.put("lsn", Map.of("type", "long"));
		properties.put("deleted", Map.of("type", "boolean"));
		properties.put("changedAt", Map.of("type", "date"));
		Map<String, Object> body = Map.of("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0),
				"mappings", Map.of("dynamic", "strict", "properties", properties));
		OpenSearchJson.Answer answer = this.opensearch.send("PUT", "/" + index(), Map.of(), body);
		boolean exists = answer.body()
			.path("error")
			.path("type")
			.asString("")
			.equals("resource_already_exists_exception");
		if (answer.status() / 100 != 2 && !exists) {
			throw new SearchUnavailableException("Cannot create index " + index() + ": " + answer.body(), null);
		}
	}

	@MessageListener(topic = "${mqlab.cdc.topic:cdc.catalog.products}",
			group = "${mqlab.cdc.sinks.search.group:cdc-search}",
			concurrency = "${mqlab.cdc.sinks.search.concurrency:4}", batch = "${mqlab.cdc.sinks.batch:500}")
	void on(List<ProductChanged> changes) {
		StringBuilder body = new StringBuilder();
		String now = Instant.now().toString();
		for (ProductChanged change : changes) {
			body.append(this.json.writeValueAsString(Map.of("index",
					Map.of("_id", change.sku(), "version", change.sinkVersion(), "version_type", "external"))))
				.append('\n')
				.append(this.json.writeValueAsString(document(change, now)))
				.append('\n');
		}
		JsonNode items = this.opensearch.ok("POST", "/" + index() + "/_bulk", Map.of(), body.toString()).path("items");
		this.progress.batch(changes.size());
		List<String> failures = new ArrayList<>();
		for (int i = 0; i < changes.size(); i++) {
			JsonNode item = items.path(i).path("index");
			int status = item.path("status").asInt(0);
			if (status / 100 == 2 || status == 409) {
				// 409: the index holds the same or a newer version
				this.progress.handled(changes.get(i), status != 409);
			}
			else {
				failures.add(changes.get(i).sku() + ": " + status + " " + item.path("error"));
			}
		}
		if (!failures.isEmpty()) {
			// the batch is handed again one change at a time: the failed ones alone are
			// retried (the others are stale by then)
			throw new SearchUnavailableException("OpenSearch did not index " + failures, null);
		}
	}

	private static Map<String, Object> document(ProductChanged change, String now) {
		Map<String, Object> document = new LinkedHashMap<>();
		if (change.deletes()) {
			document.put("sku", change.sku());
			document.put("deleted", true);
		}
		else {
			Product row = change.after();
			document.put("sku", row.sku());
			document.put("name", row.name());
			document.put("description", row.description());
			document.put("price", row.price());
			document.put("currency", row.currency());
			document.put("stock", row.stock());
			document.put("tags", row.tags());
			document.put("version", row.version());
			document.put("updatedAt", row.updatedAt().toString());
			document.put("deleted", false);
		}
		document.put("lsn", change.lsn());
		document.put("changedAt", now);
		return document;
	}

	/**
	 * Products matching the words (name, description), the tag and the price range, best
	 * first.
	 */
	public SearchResult search(String q, String tag, BigDecimal minPrice, BigDecimal maxPrice, int size) {
		List<Object> filters = new ArrayList<>();
		filters.add(Map.of("term", Map.of("deleted", false)));
		if (tag != null && !tag.isBlank()) {
			filters.add(Map.of("term", Map.of("tags", tag)));
		}
		if (minPrice != null || maxPrice != null) {
			Map<String, Object> range = new LinkedHashMap<>();
			if (minPrice != null) {
				range.put("gte", minPrice);
			}
			if (maxPrice != null) {
				range.put("lte", maxPrice);
			}
			filters.add(Map.of("range", Map.of("price", range)));
		}
		Map<String, Object> bool = new LinkedHashMap<>();
		bool.put("filter", filters);
		if (q != null && !q.isBlank()) {
			bool.put("must", List.of(Map.of("multi_match",
					Map.of("query", q, "fields", List.of("name^2", "description"), "operator", "and"))));
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("query", Map.of("bool", bool));
		body.put("size", size);
		body.put("track_total_hits", 10_000);
		if (q == null || q.isBlank()) {
			body.put("sort", List.of(Map.of("sku", "asc")));
		}
		JsonNode answer = this.opensearch.ok("POST", "/" + index() + "/_search", Map.of(), body);
		List<Hit> hits = new ArrayList<>();
		for (JsonNode hit : answer.path("hits").path("hits")) {
			hits.add(new Hit(product(hit.get("_source")),
					hit.path("_score").isNumber() ? hit.get("_score").asDouble() : null));
		}
		return new SearchResult(answer.path("hits").path("total").path("value").asLong(), hits);
	}

	/** Forgets deletes older than the tombstone TTL, a batch at a time. */
	@Scheduled(fixedDelayString = "${mqlab.cdc.sinks.search.purge-interval:10m}")
	void purgeTombstones() {
		String before = Instant.now().minus(this.settings.tombstoneTtl()).toString();
		Map<String, Object> query = Map.of("query",
				Map.of("bool",
						Map.of("filter",
								List.of(Map.of("term", Map.of("deleted", true)),
										Map.of("range", Map.of("changedAt", Map.of("lt", before)))))),
				"size", 1000, "_source", false);
		JsonNode answer = this.opensearch.ok("POST", "/" + index() + "/_search", Map.of(), query);
		StringBuilder bulk = new StringBuilder();
		for (JsonNode hit : answer.path("hits").path("hits")) {
			bulk.append("{\"delete\":{\"_id\":\"").append(hit.get("_id").asString()).append("\"}}\n");
		}
		if (!bulk.isEmpty()) {
			this.opensearch.ok("POST", "/" + index() + "/_bulk", Map.of(), bulk.toString());
		}
	}

	@Override
	public String name() {
		return "search";
	}

	@Override
	public Map<String, Product> read(Collection<String> skus) {
		Map<String, Product> rows = new LinkedHashMap<>();
		if (skus.isEmpty()) {
			return rows;
		}
		JsonNode answer = this.opensearch.ok("POST", "/" + index() + "/_mget", Map.of(), Map.of("ids", skus));
		for (JsonNode doc : answer.path("docs")) {
			JsonNode source = doc.get("_source");
			if (doc.path("found").asBoolean(false) && source != null && !source.path("deleted").asBoolean(false)) {
				rows.put(doc.get("_id").asString(), product(source));
			}
		}
		return rows;
	}

	@Override
	public void forEachSkuPage(Consumer<List<String>> page) {
		this.opensearch.ok("POST", "/" + index() + "/_refresh", Map.of(), null);
		Object after = null;
		while (true) {
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("query", Map.of("term", Map.of("deleted", false)));
			body.put("sort", List.of(Map.of("sku", "asc")));
			body.put("size", 1000);
			body.put("_source", false);
			if (after != null) {
				body.put("search_after", List.of(after));
			}
			JsonNode hits = this.opensearch.ok("POST", "/" + index() + "/_search", Map.of(), body)
				.path("hits")
				.path("hits");
			if (hits.isEmpty()) {
				return;
			}
			List<String> skus = new ArrayList<>();
			for (JsonNode hit : hits) {
				skus.add(hit.get("_id").asString());
			}
			page.accept(skus);
			after = skus.get(skus.size() - 1);
		}
	}

	@Override
	public SinkProgress progress() {
		return this.progress;
	}

	String index() {
		return this.settings.index();
	}

	private static Product product(JsonNode source) {
		List<String> tags = new ArrayList<>();
		source.path("tags").forEach((tag) -> tags.add(tag.asString()));
		return new Product(source.get("sku").asString(), text(source, "name"), text(source, "description"),
				source.get("price").decimalValue(), text(source, "currency"), source.path("stock").asInt(), tags,
				source.path("version").asLong(), Instant.parse(source.get("updatedAt").asString()));
	}

	private static String text(JsonNode source, String field) {
		JsonNode node = source.get(field);
		return (node == null || node.isNull()) ? null : node.asString();
	}

	/**
	 * One page of search results.
	 *
	 * @param total how many products match (counted up to 10,000)
	 * @param items the best ones
	 */
	public record SearchResult(long total, List<Hit> items) {

	}

	/**
	 * A product found.
	 *
	 * @param product the product
	 * @param score its relevance (null when sorted by SKU)
	 */
	public record Hit(Product product, Double score) {

	}

}
