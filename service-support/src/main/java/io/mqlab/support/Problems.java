package io.mqlab.support;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * The problem types mqlab services answer with. Types are URNs: stable identifiers a
 * client can switch on, not pages.
 */
public final class Problems {

	private Problems() {
	}

	/** One rejected field. */
	public record FieldError(String field, String message) {

	}

	public static URI type(String name) {
		return URI.create("urn:mqlab:problem:" + name);
	}

	public static ProblemDetail of(HttpStatus status, String type, String title, String detail,
			Map<String, Object> properties) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(type(type));
		problem.setTitle(title);
		properties.forEach(problem::setProperty);
		return problem;
	}

	public static ProblemDetail validation(List<FieldError> errors) {
		String detail = errors.stream()
			.map((error) -> error.field() + ": " + error.message())
			.sorted()
			.collect(Collectors.joining("; "));
		return of(HttpStatus.BAD_REQUEST, "validation", "Invalid request", detail, Map.of("errors", errors));
	}

	public static ProblemDetail bodyTooLarge(long limit) {
		return of(HttpStatus.CONTENT_TOO_LARGE, "body-too-large", "Request body too large",
				"The request body is over the limit of " + limit + " bytes (mqlab.web.max-body-bytes)", Map.of());
	}

}
