package io.mqlab.monitoring.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mqlab.monitoring.MonitoringSettings;
import io.mqlab.support.Problems;
import io.mqlab.support.Problems.FieldError;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Rules, alerts and silences over HTTP. */
@RestController
class AlertController {

	private final AlertEngine engine;

	private final RedisAlerts store;

	private final MonitoringSettings settings;

	private final Clock clock;

	AlertController(AlertEngine engine, RedisAlerts store, MonitoringSettings settings, Clock clock) {
		this.engine = engine;
		this.store = store;
		this.settings = settings;
		this.clock = clock;
	}

	// ---- rules

	@GetMapping("/alerts/rules")
	Map<String, Object> rules() {
		List<RuleBody> rules = this.store.rules()
			.values()
			.stream()
			.map(StoredRule::body)
			.sorted(Comparator.comparing(RuleBody::name))
			.toList();
		return Map.of("rules", rules);
	}

	@PostMapping("/alerts/rules")
	ResponseEntity<Object> addRule(@RequestBody RuleBody body) {
		List<FieldError> errors = body.errors(this.settings.webhooks().keySet());
		if (!errors.isEmpty()) {
			return problem(Problems.validation(errors));
		}
		if (this.store.ruleCount() >= this.settings.maxRules()) {
			return problem(Problems.of(HttpStatus.CONFLICT, "too-many-rules", "Too many rules",
					"There are " + this.settings.maxRules() + " rules (mqlab.monitoring.max-rules): delete one first",
					Map.of()));
		}
		RuleBody rule = RuleBody.of(body.toRule(this.settings.defaultMargin(), this.settings.webhooks().keySet()));
		if (!this.store.addRule(new StoredRule(rule, this.clock.millis()))) {
			return problem(Problems.of(HttpStatus.CONFLICT, "rule-exists", "Rule exists",
					"A rule named '" + body.name() + "' exists: delete it first",
					Map.of("errors", List.of(new FieldError("name", "exists")))));
		}
		this.engine.refresh();
		return ResponseEntity.status(HttpStatus.CREATED).body(rule);
	}

	@DeleteMapping("/alerts/rules/{name}")
	ResponseEntity<Object> deleteRule(@PathVariable String name) {
		StoredRule removed = RuleBody.NAME.matcher(name).matches() ? this.store.removeRule(name) : null;
		if (removed == null) {
			return problem(Problems.of(HttpStatus.NOT_FOUND, "not-found", "No such rule",
					"There is no rule named '" + name + "'", Map.of()));
		}
		this.engine.ruleDeleted(removed);
		return ResponseEntity.noContent().build();
	}

	// ---- alerts

	@GetMapping("/alerts")
	ResponseEntity<Object> alerts(@RequestParam(defaultValue = "100") int history) {
		if (history < 0 || history > this.settings.historySize()) {
			return problem(Problems.validation(
					List.of(new FieldError("history", "must be between 0 and " + this.settings.historySize()))));
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("alerts", this.engine.current(this.clock.millis()));
		body.put("history", this.store.history(history));
		return ResponseEntity.ok(body);
	}

	// ---- silences

	/**
	 * A silence as requested.
	 *
	 * @param match labels the muted alerts have
	 * @param duration how long, e.g. 1h
	 * @param comment why
	 */
	record SilenceRequest(Map<String, String> match, String duration, String comment) {

	}

	@PostMapping("/alerts/silences")
	ResponseEntity<Object> silence(@RequestBody SilenceRequest request) {
		List<FieldError> errors = new ArrayList<>();
		if (request.match() == null || request.match().isEmpty() || request.match().size() > 10) {
			errors.add(new FieldError("match", "must name 1-10 labels"));
		}
		else {
			request.match().forEach((label, value) -> {
				if (label == null || !RuleBody.LABEL.matcher(label).matches() || value == null || value.isEmpty()
						|| value.length() > 200) {
					errors.add(new FieldError("match",
							"labels are 1-64 characters of _.:- letters and digits, values 1-200 characters"));
				}
			});
		}
		Duration duration = null;
		try {
			duration = (request.duration() != null)
					? org.springframework.boot.convert.DurationStyle.SIMPLE.parse(request.duration()) : null;
		}
		catch (RuntimeException ex) {
			// unreadable or too large: reported below
		}
		if (duration == null || duration.compareTo(Duration.ofSeconds(1)) < 0
				|| duration.compareTo(Duration.ofDays(30)) > 0) {
			errors.add(new FieldError("duration", "must be a duration between 1s and 30d, e.g. 2h"));
		}
		if (request.comment() != null && request.comment().length() > 500) {
			errors.add(new FieldError("comment", "at most 500 characters"));
		}
		if (!errors.isEmpty()) {
			return problem(Problems.validation(errors));
		}
		Instant now = this.clock.instant();
		this.store.silences().forEach((id, silence) -> {
			if (!silence.endsAt().isAfter(now)) {
				this.store.removeSilence(id);
			}
		});
		if (this.store.silenceCount() >= this.settings.maxSilences()) {
			return problem(Problems.of(HttpStatus.CONFLICT, "too-many-silences", "Too many silences",
					"There are " + this.settings.maxSilences() + " silences: delete one first", Map.of()));
		}
		Silence silence = new Silence(UUID.randomUUID().toString(), Map.copyOf(request.match()), now,
				now.plus(duration), request.comment());
		this.store.putSilence(silence);
		return ResponseEntity.status(HttpStatus.CREATED).body(silence);
	}

	@GetMapping("/alerts/silences")
	Map<String, Object> silences() {
		Instant now = this.clock.instant();
		return Map.of("silences",
				this.store.silences().values().stream().filter((silence) -> silence.endsAt().isAfter(now)).toList());
	}

	@DeleteMapping("/alerts/silences/{id}")
	ResponseEntity<Object> deleteSilence(@PathVariable String id) {
		if (id.length() > 64 || !this.store.removeSilence(id)) {
			return problem(Problems.of(HttpStatus.NOT_FOUND, "not-found", "No such silence",
					"There is no silence '" + id + "'", Map.of()));
		}
		return ResponseEntity.noContent().build();
	}

	private static ResponseEntity<Object> problem(org.springframework.http.ProblemDetail problem) {
		return ResponseEntity.status(problem.getStatus()).body(problem);
	}

}
