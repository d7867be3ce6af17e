package io.mqlab.cdc.cache;

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
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The cache sink: a Redis hash per product ({@code <prefix>:product:<sku>}), removed on
 * delete. A batch of changes is one Lua script call that, change by change, compares the
 * LSN with the hash's (or with the tombstone a delete leaves for {@code tombstone-ttl}),
 * so a redelivered or reordered change never rolls a product back nor brings a deleted
 * one back.
 */
@Component
@ConditionalOnBooleanProperty(name = "mqlab.cdc.sinks.cache.enabled", matchIfMissing = true)
public class RedisProductCache implements ProductSink {

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> APPLY = RedisScript
		.of(new ClassPathResource("io/mqlab/cdc/cache/apply-changes.lua"), List.class);

	private static final TypeReference<List<String>> TAGS = new TypeReference<>() {
	};

	private final StringRedisTemplate redis;

	private final JsonMapper json;

	private final CdcSettings.Cache settings;

	private final SinkProgress progress;

	RedisProductCache(StringRedisTemplate redis, JsonMapper json, CdcSettings settings, MeterRegistry meters) {
		this.redis = redis;
		this.json = json;
		this.settings = settings.sinks().cache();
		this.progress = new SinkProgress(name(), meters);
	}

	@MessageListener(topic = "${mqlab.cdc.topic:cdc.catalog.products}",
			group = "${mqlab.cdc.sinks.cache.group:cdc-cache}", concurrency = "${mqlab.cdc.sinks.concurrency:4}",
			batch = "${mqlab.cdc.sinks.batch:500}")
	void on(List<ProductChanged> changes) {
		List<String> keys = new ArrayList<>();
		List<String> args = new ArrayList<>();
		args.add(Long.toString(this.settings.tombstoneTtl().toMillis()));
		for (ProductChanged change : changes) {
			keys.add(key(change.sku()));
			keys.add(tombstone(change.sku()));
			args.add(Long.toString(change.sinkVersion()));
			args.add(change.deletes() ? "d" : "u");
			List<String> values = new ArrayList<>();
			if (!change.deletes()) {
				fields(change.after()).forEach((field, value) -> {
					values.add(field);
					values.add(value);
				});
				values.add("lsn");
				values.add(Long.toString(change.sinkVersion()));
				values.add("sourceLsn");
				values.add(Long.toString(change.lsn()));
			}
			args.add(Integer.toString(values.size()));
			args.addAll(values);
		}
		List<?> applied = this.redis.execute(APPLY, keys, args.toArray());
		this.progress.batch(changes.size());
		for (int i = 0; i < changes.size(); i++) {
			this.progress.handled(changes.get(i),
					applied != null && applied.get(i) instanceof Number number && number.longValue() == 1L);
		}
	}

	/** The cached product, or null. */
	public CachedProduct get(String sku) {
		Map<Object, Object> hash = this.redis.opsForHash().entries(key(sku));
		if (hash.isEmpty()) {
			return null;
		}
		return new CachedProduct(product(hash), Long.parseLong((String) hash.get("sourceLsn")));
	}

	@Override
	public String name() {
		return "cache";
	}

	@Override
	public Map<String, Product> read(Collection<String> skus) {
		List<String> ordered = List.copyOf(skus);
		List<Object> hashes = this.redis.executePipelined((RedisCallback<Object>) (connection) -> {
			for (String sku : ordered) {
				connection.hashCommands().hGetAll(key(sku).getBytes(java.nio.charset.StandardCharsets.UTF_8));
			}
			return null;
		});
		Map<String, Product> rows = new LinkedHashMap<>();
		for (int i = 0; i < ordered.size(); i++) {
			@SuppressWarnings("unchecked")
			Map<Object, Object> hash = (Map<Object, Object>) hashes.get(i);
			if (hash != null && !hash.isEmpty()) {
				rows.put(ordered.get(i), product(hash));
			}
		}
		return rows;
	}

	@Override
	public void forEachSkuPage(Consumer<List<String>> page) {
		String prefix = this.settings.keyPrefix() + ":product:";
		List<String> skus = new ArrayList<>();
		try (Cursor<String> cursor = this.redis
			.scan(ScanOptions.scanOptions().match(prefix + "*").count(1000).build())) {
			while (cursor.hasNext()) {
				skus.add(cursor.next().substring(prefix.length()));
				if (skus.size() == 1000) {
					page.accept(List.copyOf(skus));
					skus.clear();
				}
			}
		}
		if (!skus.isEmpty()) {
			page.accept(skus);
		}
	}

	@Override
	public SinkProgress progress() {
		return this.progress;
	}

	private String key(String sku) {
		return this.settings.keyPrefix() + ":product:" + sku;
	}

	private String tombstone(String sku) {
		return this.settings.keyPrefix() + ":deleted:" + sku;
	}

	private Map<String, String> fields(Product row) {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("sku", row.sku());
		fields.put("name", row.name());
		if (row.description() != null) {
			fields.put("description", row.description());
		}
		fields.put("price", row.price().toPlainString());
		fields.put("currency", row.currency());
		fields.put("stock", Integer.toString(row.stock()));
		fields.put("tags", this.json.writeValueAsString(row.tags()));
		fields.put("version", Long.toString(row.version()));
		fields.put("updatedAt", row.updatedAt().toString());
		return fields;
	}

	private Product product(Map<Object, Object> hash) {
		return new Product((String) hash.get("sku"), (String) hash.get("name"), (String) hash.get("description"),
				new BigDecimal((String) hash.get("price")), (String) hash.get("currency"),
				Integer.parseInt((String) hash.get("stock")), this.json.readValue((String) hash.get("tags"), TAGS),
				Long.parseLong((String) hash.get("version")), Instant.parse((String) hash.get("updatedAt")));
	}

	/**
	 * A product as the cache holds it.
	 *
	 * @param product the row
	 * @param lsn the LSN of the change that wrote it
	 */
	public record CachedProduct(Product product, long lsn) {

	}

}
