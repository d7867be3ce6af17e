package io.mqlab.monitoring.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.mqlab.monitoring.MonitoringSettings;
import io.mqlab.monitoring.rules.MonitoringRules;
import io.mqlab.monitoring.rules.Rollup;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Rollups and instances in Redis, shared by every instance of the service. Redis rather
 * than PostgreSQL: every key carries a TTL and every rollup set is trimmed on write, so
 * retention is bounded without a purge job, and one Lua script applies a batch atomically
 * with its dedupe key and a compare-and-set of the rollups it changes.
 * <p>
 * Keys under {@code mqlab.monitoring.key-prefix}: {@code instances} (zset of instance ids
 * by last sample time), {@code instance:<id>} (hash: service, host, pid, interval,
 * lastAt), {@code series:<id>} (set of series ids), {@code latest:<id>} (hash: series id
 * → {@code at|value}), {@code r10:<id>:<series>} and {@code r60:<id>:<series>} (zsets of
 * {@link Rollup}s scored by window start), {@code seen:<id>:<at>} (dedupe).
 */
@Component
public class RedisMetrics {

	/** The window sizes, each with its key part. */
	public enum Resolution {

		TEN_SECONDS("r10", Duration.ofSeconds(10)), ONE_MINUTE("r60", Duration.ofMinutes(1));

		private final String key;

		private final Duration size;

		Resolution(String key, Duration size) {
			this.key = key;
			this.size = size;
		}

		public Duration size() {
			return this.size;
		}

	}

	private static final RedisScript<Long> APPLY = RedisScript
		.of(new ClassPathResource("io/mqlab/monitoring/metrics/apply-batch.lua"), Long.class);

	private static final int CAS_ATTEMPTS = 10;

	private final StringRedisTemplate redis;

	private final MonitoringSettings settings;

	private final Clock clock;

	private final String prefix;

	RedisMetrics(StringRedisTemplate redis, MonitoringSettings settings, Clock clock) {
		this.redis = redis;
		this.settings = settings;
		this.clock = clock;
		this.prefix = settings.keyPrefix() + ":";
	}

	/** What applying a batch did. */
	public enum Outcome {

		APPLIED, DUPLICATE, TOO_MANY_INSTANCES

	}

	/**
	 * The result of applying a batch.
	 *
	 * @param outcome applied, a duplicate, or dropped
	 * @param late samples too late for their window, per resolution
	 * @param droppedSeries samples of series over the per-instance limit
	 */
	public record Applied(Outcome outcome, Map<Resolution, Integer> late, int droppedSeries) {

	}

	/**
	 * A checked sample.
	 *
	 * @param seriesId its series within the instance (name and labels)
	 * @param name the series name
	 * @param labels the sample's own labels
	 * @param value the value, finite
	 */
	public record Point(String seriesId, String name, Map<String, String> labels, double value) {

	}

	/**
	 * Applies a batch's samples once: rollups of both resolutions (late ones left out),
	 * the instance, its series and latest values.
	 */
	public Applied apply(MetricsSampled batch, List<Point> points) {
		for (int attempt = 1;; attempt++) {
			Applied applied = tryApply(batch, points);
			if (applied != null) {
				return applied;
			}
			if (attempt == CAS_ATTEMPTS) {
				throw new IllegalStateException("Rollups of " + batch.instance() + " changed under " + CAS_ATTEMPTS
						+ " attempts to apply the batch at " + batch.at());
			}
		}
	}

	private Applied tryApply(MetricsSampled batch, List<Point> points) {
		String instance = batch.instance();
		long at = batch.at().toEpochMilli();
		long now = this.clock.millis();
		List<Object> read = pipelined((ops) -> {
			ops.opsForHash().get(key("instance:" + instance), "lastAt");
			ops.opsForSet().members(key("series:" + instance));
			for (Point point : points) {
				for (Resolution resolution : Resolution.values()) {
					long start = MonitoringRules.windowStart(at, resolution.size);
					ops.opsForZSet().rangeByScore(rollupKey(resolution, instance, point.seriesId()), start, start);
				}
			}
		});
		long watermark = (read.get(0) != null) ? Long.parseLong((String) read.get(0)) : 0;
		@SuppressWarnings("unchecked")
		Set<String> known = new TreeSet<>((Collection<String>) read.get(1));
		Map<Resolution, Integer> late = new LinkedHashMap<>();
		List<String> keys = new ArrayList<>(List.of(key("seen:" + instance + ":" + at), key("instance:" + instance),
				key("instances"), key("series:" + instance), key("latest:" + instance)));
		List<String> seriesIds = new ArrayList<>();
		List<String> values = new ArrayList<>();
		List<String> rollupArgs = new ArrayList<>();
		int dropped = 0;
		int index = 2;
		for (Point point : points) {
			boolean allowed = known.contains(point.seriesId()) || known.size() < this.settings.maxSeriesPerInstance();
			if (!allowed) {
				dropped++;
				index += Resolution.values().length;
				continue;
			}
			known.add(point.seriesId());
			seriesIds.add(point.seriesId());
			values.add(Double.toString(point.value()));
			for (Resolution resolution : Resolution.values()) {
				@SuppressWarnings("unchecked")
				Set<String> current = (Set<String>) read.get(index++);
				if (MonitoringRules.isLate(at, watermark, resolution.size, this.settings.allowedLateness())) {
					late.merge(resolution, 1, Integer::sum);
					continue;
				}
				long start = MonitoringRules.windowStart(at, resolution.size);
				String old = (current == null || current.isEmpty()) ? "" : current.iterator().next();
				Rollup rollup = MonitoringRules.add(old.isEmpty() ? null : Rollup.decode(old), start, at,
						point.value());
				Duration retention = retention(resolution);
				keys.add(rollupKey(resolution, instance, point.seriesId()));
				rollupArgs.addAll(List.of(old, rollup.encode(), Long.toString(start), seconds(retention),
						Long.toString(now - retention.toMillis())));
			}
		}
		List<String> args = new ArrayList<>();
		args.add(seconds(this.settings.allowedLateness().plus(Resolution.ONE_MINUTE.size).multipliedBy(10)));
		args.add(Long.toString(at));
		args.add(instance);
		args.add(batch.service());
		args.add(batch.host());
		args.add(Long.toString(batch.pid()));
		args.add(Integer.toString(batch.intervalSeconds()));
		args.add(seconds(this.settings.retention1m()));
		args.add(Long.toString(now - this.settings.retention1m().toMillis()));
		args.add(Integer.toString(this.settings.maxInstances()));
		args.add(Integer.toString(seriesIds.size()));
		args.addAll(seriesIds);
		args.addAll(values);
		args.addAll(rollupArgs);
		Long result = this.redis.execute(APPLY, keys, args.toArray());
		long code = (result != null) ? result : -1;
		if (code == -1) {
			return null;
		}
		Outcome outcome = (code == 1) ? Outcome.APPLIED : (code == 0) ? Outcome.DUPLICATE : Outcome.TOO_MANY_INSTANCES;
		return new Applied(outcome, late, dropped);
	}

	// ---- reading

	/** An instance as its last batch described it. */
	public record InstanceInfo(String instance, String service, String host, long pid, int intervalSeconds,
			Instant lastSampleAt) {

	}

	/** The instances, most recently seen first, at most {@code limit}. */
	public List<InstanceInfo> instances(int limit) {
		Set<String> ids = this.redis.opsForZSet().reverseRange(key("instances"), 0, limit - 1L);
		List<InstanceInfo> instances = new ArrayList<>();
		if (ids == null) {
			return instances;
		}
		List<String> ordered = List.copyOf(ids);
		List<Object> hashes = pipelined(
				(ops) -> ordered.forEach((id) -> ops.opsForHash().entries(key("instance:" + id))));
		for (int i = 0; i < ordered.size(); i++) {
			@SuppressWarnings("unchecked")
			Map<String, String> hash = (Map<String, String>) hashes.get(i);
			if (hash == null || hash.get("lastAt") == null) {
				continue;
			}
			instances.add(new InstanceInfo(ordered.get(i), hash.get("service"), hash.get("host"),
					Long.parseLong(hash.getOrDefault("pid", "0")), Integer.parseInt(hash.getOrDefault("interval", "0")),
					Instant.ofEpochMilli(Long.parseLong(hash.get("lastAt")))));
		}
		return instances;
	}

	/** When each instance's last batch was taken (event time). */
	public Map<String, Long> lastSeen() {
		Map<String, Long> seen = new LinkedHashMap<>();
		var tuples = this.redis.opsForZSet().rangeWithScores(key("instances"), 0, -1);
		if (tuples != null) {
			tuples.forEach((tuple) -> seen.put(tuple.getValue(), tuple.getScore().longValue()));
		}
		return seen;
	}

	/** An instance's series ids. */
	public Set<String> series(String instance) {
		Set<String> series = this.redis.opsForSet().members(key("series:" + instance));
		return (series != null) ? new TreeSet<>(series) : Set.of();
	}

	/** An instance's latest value of each series: series id → (at, value). */
	public Map<String, Latest> latest(String instance) {
		Map<Object, Object> hash = this.redis.opsForHash().entries(key("latest:" + instance));
		Map<String, Latest> latest = new LinkedHashMap<>();
		new TreeSet<>(hash.keySet().stream().map(Object::toString).toList()).forEach((id) -> {
			String[] parts = hash.get(id).toString().split("\\|", 2);
			latest.put(id, new Latest(Instant.ofEpochMilli(Long.parseLong(parts[0])), Double.parseDouble(parts[1])));
		});
		return latest;
	}

	/** A series' latest value. */
	public record Latest(Instant at, double value) {

	}

	/** One series' rollups with windows starting in [from, to). */
	public List<Rollup> rollups(Resolution resolution, String instance, String seriesId, Instant from, Instant to) {
		Set<String> members = this.redis.opsForZSet()
			.rangeByScore(rollupKey(resolution, instance, seriesId), from.toEpochMilli(), to.toEpochMilli() - 1);
		return (members != null) ? members.stream().map(Rollup::decode).toList() : List.of();
	}

	public Duration retention(Resolution resolution) {
		return (resolution == Resolution.TEN_SECONDS) ? this.settings.retention10s() : this.settings.retention1m();
	}

	/** Runs the reads in one round trip; their answers in order. */
	private List<Object> pipelined(java.util.function.Consumer<RedisOperations<String, String>> reads) {
		return this.redis.executePipelined(new SessionCallback<Object>() {

			@Override
			@SuppressWarnings("unchecked")
			public <K, V> Object execute(RedisOperations<K, V> operations) {
				reads.accept((RedisOperations<String, String>) operations);
				return null;
			}

		});
	}

	private String rollupKey(Resolution resolution, String instance, String seriesId) {
		return key(resolution.key + ":" + instance + ":" + seriesId);
	}

	private String key(String name) {
		return this.prefix + name;
	}

	private static String seconds(Duration duration) {
		return Long.toString(Math.max(1, duration.toSeconds()));
	}

}
