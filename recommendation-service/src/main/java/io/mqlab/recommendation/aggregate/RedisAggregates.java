package io.mqlab.recommendation.aggregate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.mqlab.recommendation.RecommendationSettings;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations.TypedTuple;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The aggregated state in Redis, shared by every instance of the service and kept across
 * restarts (as far as the Redis server keeps its data). Writes go through one Lua script
 * per event that applies all of the event's {@link Effects} once.
 * <p>
 * Keys, all under {@code mqlab.recommendation.key-prefix}: {@code seen:<event>} (dedupe),
 * {@code session:<user>:<session>} (products of a session, by last time),
 * {@code coview:<sku>} and {@code cobuy:<sku>} (co-occurrence counts),
 * {@code item:sessions} and {@code item:orders} (occurrences),
 * {@code user:<user>:recent}/{@code :weight}/{@code :bought} (interests, purchases),
 * {@code trend:<epoch-minute>} (trending buckets).
 */
@Component
public class RedisAggregates {

	/** Users not seen for this long are forgotten. */
	static final Duration USER_TTL = Duration.ofDays(30);

	private static final RedisScript<Long> APPLY_ONCE = RedisScript
		.of(new ClassPathResource("io/mqlab/recommendation/aggregate/apply-once.lua"), Long.class);

	private final StringRedisTemplate redis;

	private final String prefix;

	private final RecommendationSettings settings;

	private final Clock clock;

	RedisAggregates(StringRedisTemplate redis, RecommendationSettings settings, Clock clock) {
		this.redis = redis;
		this.prefix = settings.keyPrefix() + ":";
		this.settings = settings;
		this.clock = clock;
	}

	// ---- writing

	/**
	 * Applies an event's effects unless its id was applied before.
	 * @return whether they were applied (false: a redelivery)
	 */
	public boolean apply(Effects effects) {
		Script script = new Script(key("seen:" + effects.eventId()));
		for (Effects.Pair pair : effects.coViewed()) {
			script.op("ZINCRBY", key("coview:" + pair.first()), "1", pair.second());
			script.op("ZINCRBY", key("coview:" + pair.second()), "1", pair.first());
		}
		for (String sku : effects.newInSession()) {
			script.op("ZINCRBY", key("item:sessions"), "1", sku);
		}
		if (effects.session() != null) {
			String session = sessionKey(effects.session());
			for (Effects.Interest interest : effects.interests()) {
				script.op("ZMAX", session, millis(effects.seenInSessionAt()), interest.sku());
			}
			script.op("EXPIRE", session, seconds(this.settings.sessionGap()));
		}
		for (Effects.Pair pair : effects.boughtTogether()) {
			script.op("ZINCRBY", key("cobuy:" + pair.first()), "1", pair.second());
			script.op("ZINCRBY", key("cobuy:" + pair.second()), "1", pair.first());
		}
		String recent = userKey(effects.userId(), "recent");
		String weight = userKey(effects.userId(), "weight");
		for (Effects.Interest interest : effects.interests()) {
			script.op("ZMAX", recent, millis(interest.at()), interest.sku());
			script.op("HINCRBYFLOAT", weight, interest.sku(), Double.toString(interest.weight()));
		}
		script.op("TRIM", recent, Integer.toString(script.keyIndex(weight)), Integer.toString(Scoring.INTERESTS));
		script.op("EXPIRE", recent, seconds(USER_TTL));
		script.op("EXPIRE", weight, seconds(USER_TTL));
		if (!effects.bought().isEmpty()) {
			String bought = userKey(effects.userId(), "bought");
			for (String sku : effects.bought()) {
				script.op("SADD", bought, sku);
				script.op("ZINCRBY", key("item:orders"), "1", sku);
			}
			script.op("EXPIRE", bought, seconds(USER_TTL));
		}
		if (!effects.trending().isEmpty()) {
			String bucket = trendKey(effects.trendingMinute());
			for (Effects.Interest interest : effects.trending()) {
				script.op("ZINCRBY", bucket, Double.toString(interest.weight()), interest.sku());
			}
			// kept while the longest window and its export may still read it
			Instant expires = effects.trendingMinute().plus(Duration.ofHours(2)).plus(this.settings.allowedLateness());
			script.op("EXPIRE", bucket, seconds(Duration.between(this.clock.instant(), expires)));
		}
		Long applied = this.redis.execute(APPLY_ONCE, script.keys, script.args());
		return applied != null && applied == 1L;
	}

	// ---- reading

	/**
	 * The products a session saw so far, newest first, at most
	 * {@link Scoring#SESSION_PAIRS}.
	 */
	public Set<String> sessionSkus(Effects.SessionRef session) {
		Set<String> skus = this.redis.opsForZSet().reverseRange(sessionKey(session), 0, Scoring.SESSION_PAIRS - 1);
		return (skus != null) ? skus : Set.of();
	}

	/** A user's interests: per product, the summed weight and the last interaction. */
	public Map<String, UserInterest> interests(String userId) {
		Set<TypedTuple<String>> recent = this.redis.opsForZSet()
			.reverseRangeWithScores(userKey(userId, "recent"), 0, -1);
		Map<Object, Object> weights = this.redis.opsForHash().entries(userKey(userId, "weight"));
		Map<String, UserInterest> interests = new LinkedHashMap<>();
		if (recent != null) {
			for (TypedTuple<String> tuple : recent) {
				Object weight = weights.get(tuple.getValue());
				if (weight != null && tuple.getScore() != null) {
					interests.put(tuple.getValue(), new UserInterest(Double.parseDouble(weight.toString()),
							Instant.ofEpochMilli(tuple.getScore().longValue())));
				}
			}
		}
		return interests;
	}

	/** What the user bought. */
	public Set<String> bought(String userId) {
		Set<String> bought = this.redis.opsForSet().members(userKey(userId, "bought"));
		return (bought != null) ? bought : Set.of();
	}

	/** The products most often viewed in a session with this one, with the counts. */
	public Map<String, Double> coViewed(String sku, int limit) {
		return top(key("coview:" + sku), limit);
	}

	/** The products most often bought with this one, with the counts. */
	public Map<String, Double> boughtTogether(String sku, int limit) {
		return top(key("cobuy:" + sku), limit);
	}

	/** In how many sessions each product was seen. */
	public Map<String, Double> sessionCounts(Collection<String> skus) {
		return scores(key("item:sessions"), skus);
	}

	/** In how many orders each product was. */
	public Map<String, Double> orderCounts(Collection<String> skus) {
		return scores(key("item:orders"), skus);
	}

	/** The summed trending weights over these buckets. */
	public Map<String, Double> trending(List<Instant> buckets, int limit) {
		List<String> keys = buckets.stream().map(this::trendKey).toList();
		Set<TypedTuple<String>> union = this.redis.opsForZSet()
			.unionWithScores(keys.get(0), keys.subList(1, keys.size()));
		List<TypedTuple<String>> sorted = new ArrayList<>((union != null) ? union : Set.of());
		sorted.sort((a, b) -> {
			int byScore = Double.compare(b.getScore(), a.getScore());
			return (byScore != 0) ? byScore : a.getValue().compareTo(b.getValue());
		});
		Map<String, Double> top = new LinkedHashMap<>();
		for (TypedTuple<String> tuple : sorted.subList(0, Math.min(limit, sorted.size()))) {
			top.put(tuple.getValue(), tuple.getScore());
		}
		return top;
	}

	/** One trending bucket, whole. */
	public Map<String, Double> bucket(Instant minute) {
		return top(trendKey(minute), 0);
	}

	/**
	 * Claims the export of a closed bucket for this instance.
	 * @return false when another instance (or an earlier run) exported it
	 */
	public boolean claimExport(Instant minute) {
		Boolean claimed = this.redis.opsForValue()
			.setIfAbsent(key("exported:" + minute.getEpochSecond() / 60), "1", Duration.ofHours(3));
		return Boolean.TRUE.equals(claimed);
	}

	/** A user's summed interest in one product and when it was last shown. */
	public record UserInterest(double weight, Instant lastSeen) {

	}

	/** The highest scores first; a limit of 0 takes all. */
	private Map<String, Double> top(String key, int limit) {
		Set<TypedTuple<String>> tuples = this.redis.opsForZSet().reverseRangeWithScores(key, 0, limit - 1L);
		Map<String, Double> top = new LinkedHashMap<>();
		if (tuples != null) {
			tuples.forEach((tuple) -> top.put(tuple.getValue(), tuple.getScore()));
		}
		return top;
	}

	private Map<String, Double> scores(String key, Collection<String> skus) {
		Map<String, Double> scores = new HashMap<>();
		if (skus.isEmpty()) {
			return scores;
		}
		List<String> list = List.copyOf(skus);
		List<Double> values = this.redis.opsForZSet().score(key, list.toArray());
		for (int i = 0; i < list.size(); i++) {
			Double value = (values != null) ? values.get(i) : null;
			scores.put(list.get(i), (value != null) ? value : 0.0);
		}
		return scores;
	}

	private String key(String name) {
		return this.prefix + name;
	}

	private String userKey(String userId, String part) {
		return key("user:" + userId + ":" + part);
	}

	private String sessionKey(Effects.SessionRef session) {
		return key("session:" + session.userId() + ":" + ((session.id() != null) ? session.id() : "-"));
	}

	private String trendKey(Instant minute) {
		return key("trend:" + minute.getEpochSecond() / 60);
	}

	private static String millis(Instant at) {
		return Long.toString(at.toEpochMilli());
	}

	private static String seconds(Duration duration) {
		return Long.toString(Math.max(60, duration.toSeconds()));
	}

	/** Keys and arguments of one script call; each key is passed once. */
	private final class Script {

		private final List<String> keys = new ArrayList<>();

		private final Map<String, Integer> indexes = new HashMap<>();

		private final List<String> args = new ArrayList<>();

		Script(String dedupeKey) {
			keyIndex(dedupeKey);
			this.args.add(seconds(RedisAggregates.this.settings.dedupeTtl()));
		}

		int keyIndex(String key) {
			return this.indexes.computeIfAbsent(key, (k) -> {
				this.keys.add(k);
				return this.keys.size();
			});
		}

		void op(String name, String key, String... arguments) {
			this.args.add(name);
			this.args.add(Integer.toString(keyIndex(key)));
			this.args.addAll(List.of(arguments));
		}

		Object[] args() {
			return this.args.toArray();
		}

	}

}
