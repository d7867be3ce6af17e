package io.mqlab.monitoring.alert;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.monitoring.MonitoringSettings;
import io.mqlab.monitoring.metrics.MetricsSampled;
import io.mqlab.monitoring.metrics.RedisMetrics;
import io.mqlab.monitoring.metrics.RedisMetrics.Point;
import io.mqlab.monitoring.rules.AlertRule;
import io.mqlab.monitoring.rules.AlertState;
import io.mqlab.monitoring.rules.Kind;
import io.mqlab.monitoring.rules.MonitoringRules;
import io.mqlab.monitoring.rules.MonitoringRules.Step;
import io.mqlab.monitoring.rules.Phase;
import io.mqlab.monitoring.rules.Transition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Evaluates the rules: value rules on every sample batch (event time), absence rules on a
 * timer (the service's clock). States live in Redis; every write is a compare-and-set of
 * the state's version that also queues the transition it makes, so two instances of the
 * service, or one restarted mid-way, make each transition once.
 */
@Component
public class AlertEngine {

	private static final Log logger = LogFactory.getLog(AlertEngine.class);

	private static final int CAS_ATTEMPTS = 10;

	private final RedisAlerts store;

	private final RedisMetrics metrics;

	private final MonitoringSettings settings;

	private final Clock clock;

	private final MeterRegistry registry;

	/** The rules as last read, the version they were read at, and when. */
	private volatile Rules rules = new Rules(Map.of(), -1, 0);

	AlertEngine(RedisAlerts store, RedisMetrics metrics, MonitoringSettings settings, Clock clock,
			MeterRegistry registry) {
		this.store = store;
		this.metrics = metrics;
		this.settings = settings;
		this.clock = clock;
		this.registry = registry;
	}

	/**
	 * The value rules' evaluation outside a Spring context (the Flink job on a cluster),
	 * on the same Redis keys. Configured rules are not loaded: the service loads them.
	 */
	public static AlertEngine standalone(StringRedisTemplate redis, RedisMetrics metrics, MonitoringSettings settings,
			Clock clock, MeterRegistry registry) {
		return new AlertEngine(new RedisAlerts(redis, settings), metrics, settings, clock, registry);
	}

	private record Rules(Map<String, Loaded> byName, long version, long readAt) {

	}

	/** A rule as evaluated, with its identity. */
	record Loaded(AlertRule rule, long createdAt) {

		String id() {
			return this.rule.name() + "@" + this.createdAt;
		}

	}

	/** Writes the rules from configuration that the store does not have yet. */
	@EventListener(ApplicationReadyEvent.class)
	@Order(0)
	void loadConfiguredRules() {
		Set<String> webhooks = this.settings.webhooks().keySet();
		for (RuleBody body : this.settings.rules()) {
			var errors = body.errors(webhooks);
			if (!errors.isEmpty()) {
				throw new IllegalStateException("mqlab.monitoring.rules: rule " + body.name() + ": " + errors);
			}
			AlertRule rule = body.toRule(this.settings.defaultMargin(), webhooks);
			this.store.addRule(new StoredRule(RuleBody.of(rule), this.clock.millis()));
		}
		refresh();
	}

	/**
	 * The rules, read again when their version moved. A rule created or deleted through
	 * another instance counts from the next batch on: a sample published after the rule's
	 * 201 was otherwise evaluated against the rules as they were for up to a second
	 * (silently skipped by a new rule; a test publishing right after creating one missed
	 * its alert). The version costs a GET per batch; the read once a second stays for
	 * changes that did not move it (a writer stopped between rule and version).
	 */
	Map<String, Loaded> rules() {
		Rules current = this.rules;
		if (this.store.rulesVersion() != current.version() || this.clock.millis() - current.readAt() > 1000
				|| current.readAt() > this.clock.millis()) {
			return refresh();
		}
		return current.byName();
	}

	/** Reads the rules again (after this instance changed them, or they moved). */
	Map<String, Loaded> refresh() {
		// the version first: a change after it is read is read again at the next batch
		long version = this.store.rulesVersion();
		Set<String> webhooks = this.settings.webhooks().keySet();
		Map<String, Loaded> byName = new LinkedHashMap<>();
		this.store.rules()
			.forEach((name, stored) -> byName.put(name,
					new Loaded(stored.body().toRule(this.settings.defaultMargin(), webhooks), stored.createdAt())));
		this.rules = new Rules(byName, version, this.clock.millis());
		return byName;
	}

	/** Takes a batch's samples into every value rule that matches them. */
	public void observe(MetricsSampled batch, List<Point> points) {
		long at = batch.at().toEpochMilli();
		Map<String, Candidate> candidates = new LinkedHashMap<>();
		for (Loaded loaded : rules().values()) {
			AlertRule rule = loaded.rule();
			if (rule.kind() == Kind.ABSENCE) {
				continue;
			}
			for (Point point : points) {
				if (!point.name().equals(rule.metric())) {
					continue;
				}
				Map<String, String> labels = labels(rule, batch.service(), batch.instance(), batch.host(),
						point.labels());
				if (MonitoringRules.matches(rule.match(), labels)) {
					String alert = batch.instance() + ":" + point.seriesId();
					candidates.put(field(rule.name(), alert), new Candidate(loaded, alert, labels, point.value()));
				}
			}
		}
		if (candidates.isEmpty()) {
			return;
		}
		Map<String, RedisAlerts.Versioned<StoredAlert>> states = this.store.states(List.copyOf(candidates.keySet()));
		candidates.forEach((field, candidate) -> {
			RedisAlerts.Versioned<StoredAlert> stored = states.get(field);
			for (int attempt = 1; attempt <= CAS_ATTEMPTS; attempt++) {
				StoredAlert alert = current(stored, candidate);
				Step step = MonitoringRules.observe(candidate.loaded().rule(), alert.state(), at, candidate.value());
				if (!step.changed()) {
					return;
				}
				RedisAlerts.Written written = write(field, stored, alert, step, candidate.loaded());
				if (written != RedisAlerts.Written.CONFLICT) {
					return;
				}
				stored = this.store.states(List.of(field)).get(field);
			}
			logger.warn("Alert " + field + " kept changing under " + CAS_ATTEMPTS + " attempts; sample at " + batch.at()
					+ " not taken");
		});
	}

	/**
	 * Evaluates the absence rules against the time each instance last sent the metric.
	 */
	@Scheduled(fixedDelayString = "${mqlab.monitoring.evaluation-interval:1s}")
	void evaluateAbsence() {
		List<Loaded> absence = rules().values().stream().filter((l) -> l.rule().kind() == Kind.ABSENCE).toList();
		if (absence.isEmpty()) {
			return;
		}
		long now = this.clock.millis();
		List<RedisMetrics.InstanceInfo> instances = this.metrics.instances(this.settings.maxInstances());
		Map<String, Candidate> candidates = new LinkedHashMap<>();
		Map<String, Long> lastSeen = new LinkedHashMap<>();
		for (RedisMetrics.InstanceInfo instance : instances) {
			Map<String, RedisMetrics.Latest> latest = null;
			for (Loaded loaded : absence) {
				AlertRule rule = loaded.rule();
				Map<String, String> labels = labels(rule, instance.service(), instance.instance(), instance.host(),
						Map.of());
				if (!MonitoringRules.matches(rule.match(), labels)) {
					continue;
				}
				if (latest == null) {
					latest = this.metrics.latest(instance.instance());
				}
				RedisMetrics.Latest last = latest.get(rule.metric());
				if (last == null) {
					continue;
				}
				String alert = instance.instance() + ":" + rule.metric();
				String field = field(rule.name(), alert);
				candidates.put(field, new Candidate(loaded, alert, labels, Double.NaN));
				lastSeen.put(field, last.at().toEpochMilli());
			}
		}
		if (candidates.isEmpty()) {
			return;
		}
		Map<String, RedisAlerts.Versioned<StoredAlert>> states = this.store.states(List.copyOf(candidates.keySet()));
		candidates.forEach((field, candidate) -> {
			RedisAlerts.Versioned<StoredAlert> stored = states.get(field);
			StoredAlert alert = current(stored, candidate);
			Step step = MonitoringRules.absence(candidate.loaded().rule(), alert.state(), lastSeen.get(field), now);
			if (step.changed()) {
				// a conflict means another instance evaluated it: its write stands
				write(field, stored, alert, step, candidate.loaded());
			}
		});
	}

	/**
	 * Forgets alerts that are neither pending nor firing once their last change is older
	 * than the notification marks ({@code notified-ttl}): an alert of the same rule and
	 * series that starts again then starts its sequence again without its dedup keys
	 * meeting remembered ones.
	 */
	@Scheduled(fixedDelayString = "${mqlab.monitoring.purge-interval:1m}")
	void purge() {
		long before = this.clock.millis() - this.settings.notifiedTtl().toMillis();
		this.store.allStates().forEach((field, stored) -> {
			AlertState state = stored.value().state();
			if (!state.active() && Math.max(state.since(), state.lastAt()) < before) {
				this.store.removeState(field, stored.version());
			}
		});
	}

	/**
	 * Resolves the alerts of a deleted rule (firing ones notify their resolution) and
	 * forgets them.
	 */
	void ruleDeleted(StoredRule rule) {
		long now = this.clock.millis();
		this.store.allStates().forEach((field, stored) -> {
			if (!stored.value().ruleId().equals(rule.id())) {
				return;
			}
			Step step = MonitoringRules.ruleDeleted(stored.value().state(), now);
			if (step.changed()) {
				AlertTransitioned transition = transitioned(stored.value(), step.transition(), rule.body().severity(),
						rule.body().webhooks());
				this.store.write(field, stored.version(), stored.value().with(step.state()), transition, null);
			}
			this.store.removeState(field);
		});
		refresh();
	}

	/**
	 * The alerts that are or were active (inactive ones that never fired are left out),
	 * firing first.
	 */
	public List<AlertView> current(long now) {
		return this.store.allStates()
			.values()
			.stream()
			.map(RedisAlerts.Versioned::value)
			.filter((alert) -> alert.state().phase() != Phase.INACTIVE || alert.state().seq() > 0)
			.map((alert) -> AlertView.of(alert, now, this.settings.staleAfter()))
			.sorted(Comparator.comparingInt(AlertView::order)
				.thenComparing(AlertView::rule)
				.thenComparing(AlertView::alert))
			.toList();
	}

	private RedisAlerts.Written write(String field, RedisAlerts.Versioned<StoredAlert> stored, StoredAlert alert,
			Step step, Loaded loaded) {
		AlertTransitioned transition = (step.transition() != null)
				? transitioned(alert, step.transition(), loaded.rule().severity(), loaded.rule().webhooks()) : null;
		RedisAlerts.Written written = this.store.write(field, (stored != null) ? stored.version() : 0,
				alert.with(step.state()), transition, loaded.createdAt());
		if (written == RedisAlerts.Written.WRITTEN && transition != null) {
			this.registry.counter("monitoring.alert.transitions", "to", transition.to().toLowerCase()).increment();
		}
		if (written == RedisAlerts.Written.TOO_MANY_ALERTS) {
			this.registry.counter("monitoring.alert.dropped").increment();
		}
		return written;
	}

	private StoredAlert current(RedisAlerts.Versioned<StoredAlert> stored, Candidate candidate) {
		if (stored != null && stored.value().ruleId().equals(candidate.loaded().id())) {
			return stored.value();
		}
		// none yet, or one of an earlier rule of the same name (overwritten)
		return new StoredAlert(candidate.loaded().rule().name(), candidate.loaded().id(), candidate.alert(),
				candidate.labels(), AlertState.NEW);
	}

	static AlertTransitioned transitioned(StoredAlert alert, Transition transition, String severity,
			List<String> webhooks) {
		String dedupKey = MonitoringRules.dedupKey(alert.ruleId(), alert.alert(), transition.seq());
		Double value = Double.isFinite(transition.value()) ? transition.value() : null;
		String summary = alert.rule() + " " + transition.to().name().toLowerCase() + " on " + alert.alert()
				+ ((value != null) ? " (value " + value + ")" : "");
		return new AlertTransitioned(dedupKey, alert.rule(), alert.alert(), alert.labels(), transition.from().name(),
				transition.to().name(), transition.seq(), Instant.ofEpochMilli(transition.at()), value, severity,
				summary, webhooks);
	}

	static Map<String, String> labels(AlertRule rule, String service, String instance, String host,
			Map<String, String> own) {
		Map<String, String> labels = new LinkedHashMap<>(own);
		labels.put("alertname", rule.name());
		labels.put("severity", rule.severity());
		labels.put("metric", rule.metric());
		labels.put("service", service);
		labels.put("instance", instance);
		labels.put("host", host);
		return labels;
	}

	static String field(String rule, String alert) {
		return rule + " " + alert;
	}

	private record Candidate(Loaded loaded, String alert, Map<String, String> labels, double value) {

	}

	List<Loaded> loaded() {
		return new ArrayList<>(rules().values());
	}

}
