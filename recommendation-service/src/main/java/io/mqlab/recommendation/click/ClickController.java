package io.mqlab.recommendation.click;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.OutgoingMessage;
import io.mqlab.messaging.PublishFailedException;
import io.mqlab.recommendation.RecommendationSettings;
import io.mqlab.support.Problems;
import io.mqlab.support.Problems.FieldError;
import jakarta.validation.Valid;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Takes clicks and publishes them to the clicks topic, keyed by user id so one user's
 * clicks are aggregated in order. Answers 202 once the broker holds them; a batch is
 * checked whole before anything is published.
 */
@RestController
@RequestMapping("/clicks")
class ClickController {

	private static final Log logger = LogFactory.getLog(ClickController.class);

	private final Messaging messaging;

	private final RecommendationSettings settings;

	private final Clock clock;

	private final Validator validator;

	private final Counter ingested;

	ClickController(Messaging messaging, RecommendationSettings settings, Clock clock, Validator validator,
			MeterRegistry meters) {
		this.messaging = messaging;
		this.validator = validator;
		this.settings = settings;
		this.clock = clock;
		this.ingested = Counter.builder("recommendation.clicks.ingested")
			.description("Clicks accepted and published")
			.register(meters);
	}

	@PostMapping
	ResponseEntity<Object> click(@Valid @RequestBody ClickRequest request) {
		return publish(List.of(request), "");
	}

	/**
	 * Checked here rather than by {@code @Valid}, so each error names its click's index.
	 */
	@PostMapping("/batch")
	ResponseEntity<Object> batch(@RequestBody List<ClickRequest> requests) {
		if (requests.isEmpty() || requests.size() > this.settings.maxBatch()) {
			return problem(Problems.validation(List.of(new FieldError("clicks",
					"must hold between 1 and " + this.settings.maxBatch() + " clicks, had " + requests.size()))));
		}
		List<FieldError> errors = new ArrayList<>();
		for (int i = 0; i < requests.size(); i++) {
			ClickRequest request = requests.get(i);
			if (request == null) {
				errors.add(new FieldError("[" + i + "]", "must not be null"));
				continue;
			}
			for (ConstraintViolation<ClickRequest> violation : this.validator.validate(request)) {
				errors.add(new FieldError("[" + i + "]." + violation.getPropertyPath(), violation.getMessage()));
			}
		}
		if (!errors.isEmpty()) {
			return problem(Problems.validation(errors));
		}
		return publish(requests, "[%d].");
	}

	private ResponseEntity<Object> publish(List<ClickRequest> requests, String fieldPrefix) {
		Instant now = this.clock.instant();
		Instant latest = now.plus(this.settings.maxClockSkew());
		List<FieldError> errors = new ArrayList<>();
		for (int i = 0; i < requests.size(); i++) {
			Instant at = requests.get(i).at();
			if (at != null && at.isAfter(latest)) {
				errors.add(new FieldError(fieldPrefix.formatted(i) + "at",
						"must not be more than " + this.settings.maxClockSkew() + " in the future"));
			}
			// Older clicks would outlive their deduplication (and absurd years overflow).
			if (at != null && at.isBefore(now.minus(this.settings.dedupeTtl()))) {
				errors.add(new FieldError(fieldPrefix.formatted(i) + "at",
						"must not be more than " + this.settings.dedupeTtl() + " ago"));
			}
		}
		if (!errors.isEmpty()) {
			return problem(Problems.validation(errors));
		}
		List<OutgoingMessage> messages = new ArrayList<>(requests.size());
		List<UUID> ids = new ArrayList<>(requests.size());
		for (ClickRequest request : requests) {
			UUID id = UUID.randomUUID();
			Clicked clicked = new Clicked(id, request.userId(), request.sku(), request.type(), request.sessionId(),
					(request.at() != null) ? request.at() : now);
			messages.add(OutgoingMessage.of(this.settings.clicksTopic(), request.userId(), clicked).withId(id));
			ids.add(id);
		}
		if (messages.size() == 1) {
			this.messaging.publish(messages.get(0));
		}
		else {
			this.messaging.publishAll(messages);
		}
		this.ingested.increment(messages.size());
		return ResponseEntity.accepted().body(Map.of("accepted", ids.size(), "clickIds", ids));
	}

	/**
	 * The cause goes to the log only: broker addresses and errors are not the client's.
	 */
	@ExceptionHandler(PublishFailedException.class)
	ResponseEntity<Object> brokerUnavailable(PublishFailedException ex) {
		logger.warn("Clicks not published", ex);
		return problem(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "broker-unavailable", "Broker unavailable",
				"The clicks could not be published; try again", Map.of()));
	}

	private static ResponseEntity<Object> problem(ProblemDetail problem) {
		return ResponseEntity.status(problem.getStatus()).body(problem);
	}

}
