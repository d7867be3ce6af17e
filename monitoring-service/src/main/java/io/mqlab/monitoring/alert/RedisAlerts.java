package io.mqlab.monitoring.alert;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mqlab.monitoring.MonitoringSettings;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Rules, alert states, transitions waiting to be published, history, silences and
 * notification marks in Redis, shared by every instance of the service, so a restarted or
 * second instance continues where another left off.
 * <p>
 * Keys under {@code mqlab.monitoring.key-prefix}: {@code rules} (hash: name →
 * {@code createdAt|json}), {@code rules-version} (a counter every rule change moves),
 * {@code alerts} (hash: rule, instance and series → {@code version|json}), {@code outbox}
 * and {@code history} (lists of transitions), {@code silences} (hash),
 * {@code notified:<dedup key>:<webhook>} and {@code notifying:...} (marks with a TTL).
 */
@Component
class RedisAlerts {

	/** A value and the version it was read at. */
	record Versioned<T>(long version, T value) {

	}

	/** Most transitions waiting for the broker. */
	static final int OUTBOX_LIMIT = 10_000;

	private static final RedisScript<Long> WRITE = RedisScript
		.of(new ClassPathResource("io/mqlab/monitoring/alert/write-alert.lua"), Long.class);

	private static final RedisScript<Long> REMOVE = RedisScript
		.of(new ClassPathResource("io/mqlab/monitoring/alert/remove-alert.lua"), Long.class);

	private final StringRedisTemplate redis;

	private final MonitoringSettings settings;

	private final String prefix;

	private final JsonMapper json = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

	RedisAlerts(StringRedisTemplate redis, MonitoringSettings settings) {
		this.redis = redis;
		this.settings = settings;
		this.prefix = settings.keyPrefix() + ":";
	}

	// ---- rules

	Map<String, StoredRule> rules() {
		Map<String, StoredRule> rules = new LinkedHashMap<>();
		this.redis.<String, String>opsForHash()
			.entries(key("rules"))
			.forEach((name, value) -> rules.put(name, read(value, StoredRule.class).value()));
		return rules;
	}

	/**
	 * @return false when a rule of that name exists
	 */
	boolean addRule(StoredRule rule) {
		Boolean added = this.redis.<String, String>opsForHash()
			.putIfAbsent(key("rules"), rule.body().name(), rule.createdAt() + "|" + write(rule));
		if (Boolean.TRUE.equals(added)) {
			rulesChanged();
			return true;
		}
		return false;
	}

	/**
	 * A counter that moves after every rule change, so every instance sees at its next
	 * batch that its rules are out of date (0 before the first change).
	 */
	long rulesVersion() {
		String version = this.redis.opsForValue().get(key("rules-version"));
		return (version != null) ? Long.parseLong(version) : 0;
	}

	private void rulesChanged() {
		this.redis.opsForValue().increment(key("rules-version"));
	}

	long ruleCount() {
		return this.redis.opsForHash().size(key("rules"));
	}

	/**
	 * @return the rule removed, or {@code null}
	 */
	StoredRule removeRule(String name) {
		String value = this.redis.<String, String>opsForHash().get(key("rules"), name);
		if (value == null || this.redis.opsForHash().delete(key("rules"), name) == 0) {
			return null;
		}
		rulesChanged();
		return read(value, StoredRule.class).value();
	}

	// ---- alert states

	Map<String, Versioned<StoredAlert>> states(List<String> fields) {
		List<String> values = this.redis.<String, String>opsForHash().multiGet(key("alerts"), fields);
		Map<String, Versioned<StoredAlert>> states = new LinkedHashMap<>();
		for (int i = 0; i < fields.size(); i++) {
			String value = (values != null) ? values.get(i) : null;
			if (value != null) {
				states.put(fields.get(i), read(value, StoredAlert.class));
			}
		}
		return states;
	}

	Map<String, Versioned<StoredAlert>> allStates() {
		Map<String, Versioned<StoredAlert>> states = new LinkedHashMap<>();
		this.redis.<String, String>opsForHash()
			.entries(key("alerts"))
			.forEach((field, value) -> states.put(field, read(value, StoredAlert.class)));
		return states;
	}

	/** The outcome of a write. */
	enum Written {

		WRITTEN, CONFLICT, RULE_GONE, TOO_MANY_ALERTS

	}

	/**
	 * Writes a state if its version is still {@code expected}, queueing the transition
	 * with it.
	 * @param ruleCreatedAt the rule that must still exist, or {@code null} for none
	 */
	Written write(String field, long expected, StoredAlert alert, AlertTransitioned transition, Long ruleCreatedAt) {
		Long result = this.redis.execute(WRITE, List.of(key("alerts"), key("rules"), key("outbox"), key("history")),
				field, Long.toString(expected), write(alert), (ruleCreatedAt != null) ? ruleCreatedAt.toString() : "",
				(transition != null) ? write(transition) : "", Integer.toString(this.settings.historySize()),
				Integer.toString(this.settings.maxAlerts()), (ruleCreatedAt != null) ? "1" : "0", alert.rule(),
				Integer.toString(OUTBOX_LIMIT));
		long code = (result != null) ? result : -1;
		return switch ((int) code) {
			case 1 -> Written.WRITTEN;
			case -2 -> Written.RULE_GONE;
			case -3 -> Written.TOO_MANY_ALERTS;
			default -> Written.CONFLICT;
		};
	}

	void removeState(String field) {
		this.redis.opsForHash().delete(key("alerts"), field);
	}

	/** Removes a state if it is still the version read. */
	void removeState(String field, long version) {
		this.redis.execute(REMOVE, List.of(key("alerts")), field, Long.toString(version));
	}

	// ---- outbox and history

	List<String> outbox(int limit) {
		List<String> entries = this.redis.opsForList().range(key("outbox"), 0, limit - 1L);
		return (entries != null) ? entries : List.of();
	}

	void published(String entry) {
		this.redis.opsForList().remove(key("outbox"), 1, entry);
	}

	AlertTransitioned transition(String entry) {
		return this.json.readValue(entry, AlertTransitioned.class);
	}

	List<AlertTransitioned> history(int limit) {
		List<String> entries = this.redis.opsForList().range(key("history"), 0, limit - 1L);
		List<AlertTransitioned> history = new ArrayList<>();
		if (entries != null) {
			entries.forEach((entry) -> history.add(transition(entry)));
		}
		return history;
	}

	// ---- silences

	Map<String, Silence> silences() {
		Map<String, Silence> silences = new LinkedHashMap<>();
		this.redis.<String, String>opsForHash()
			.entries(key("silences"))
			.forEach((id, value) -> silences.put(id, this.json.readValue(value, Silence.class)));
		return silences;
	}

	long silenceCount() {
		return this.redis.opsForHash().size(key("silences"));
	}

	void putSilence(Silence silence) {
		this.redis.opsForHash().put(key("silences"), silence.id(), this.json.writeValueAsString(silence));
	}

	boolean removeSilence(String id) {
		return this.redis.opsForHash().delete(key("silences"), id) > 0;
	}

	// ---- notification marks

	boolean notified(String dedupKey, String webhook) {
		return Boolean.TRUE.equals(this.redis.hasKey(key("notified:" + dedupKey + ":" + webhook)));
	}

	/**
	 * Takes the right to call a webhook for a transition for a while (one caller at
	 * once).
	 */
	boolean claim(String dedupKey, String webhook, Duration lease) {
		return Boolean.TRUE
			.equals(this.redis.opsForValue().setIfAbsent(key("notifying:" + dedupKey + ":" + webhook), "1", lease));
	}

	void release(String dedupKey, String webhook) {
		this.redis.delete(key("notifying:" + dedupKey + ":" + webhook));
	}

	void markNotified(String dedupKey, String webhook) {
		this.redis.opsForValue().set(key("notified:" + dedupKey + ":" + webhook), "1", this.settings.notifiedTtl());
	}

	private String key(String name) {
		return this.prefix + name;
	}

	// ---- json

	private String write(Object value) {
		return this.json.writeValueAsString(value);
	}

	private <T> Versioned<T> read(String value, Class<T> type) {
		int bar = value.indexOf('|');
		return new Versioned<>(Long.parseLong(value.substring(0, bar)),
				this.json.readValue(value.substring(bar + 1), type));
	}

}
