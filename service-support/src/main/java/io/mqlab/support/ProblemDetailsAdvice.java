package io.mqlab.support;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.mqlab.support.Problems.FieldError;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.tomcat.util.http.InvalidParameterException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns bad input into RFC 9457 problem details that name the offending field, and
 * anything unexpected into a 500 problem without a stack trace.
 */
@RestControllerAdvice
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

	private static final Log logger = LogFactory.getLog(ProblemDetailsAdvice.class);

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<FieldError> errors = ex.getBindingResult()
			.getFieldErrors()
			.stream()
			.map((error) -> new FieldError(error.getField(), error.getDefaultMessage()))
			.toList();
		List<FieldError> global = ex.getBindingResult()
			.getGlobalErrors()
			.stream()
			.map((error) -> new FieldError(error.getObjectName(), error.getDefaultMessage()))
			.toList();
		return problem(Problems.validation(concat(errors, global)));
	}

	@Override
	protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<FieldError> errors = ex.getParameterValidationResults().stream().flatMap((result) -> {
			if (result instanceof ParameterErrors body) {
				// a @Valid request body: name the fields inside it
				return body.getFieldErrors()
					.stream()
					.map((error) -> new FieldError(error.getField(), error.getDefaultMessage()));
			}
			return result.getResolvableErrors()
				.stream()
				.map((error) -> new FieldError(name(result), error.getDefaultMessage()));
		}).toList();
		return problem(Problems.validation(errors));
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		Throwable cause = ex.getMostSpecificCause();
		if (cause instanceof UnrecognizedPropertyException unknown) {
			String field = path(unknown);
			return problem(Problems.of(HttpStatus.BAD_REQUEST, "unknown-field", "Unknown field",
					"Unknown field '" + field + "'",
					Map.of("errors", List.of(new FieldError(field, "unknown field")))));
		}
		if (cause instanceof DatabindException mismatch && !mismatch.getPath().isEmpty()) {
			String field = path(mismatch);
			return problem(Problems.of(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field value",
					"Field '" + field + "' has a value of the wrong type or format",
					Map.of("errors", List.of(new FieldError(field, "wrong type or format")))));
		}
		String detail = (cause instanceof JacksonException json) ? "Malformed JSON: " + json.getOriginalMessage()
				: "The request body is missing or unreadable";
		return problem(
				Problems.of(HttpStatus.BAD_REQUEST, "malformed-body", "Malformed request body", detail, Map.of()));
	}

	@ExceptionHandler(BodyTooLargeException.class)
	ResponseEntity<Object> bodyTooLarge(BodyTooLargeException ex) {
		return problem(Problems.bodyTooLarge(ex.limit()));
	}

	/**
	 * Tomcat parses the query string (and a form body) on the first parameter read,
	 * inside argument resolution: malformed percent-encoding, an undecodable charset or
	 * too many parameters is the client's fault.
	 */
	@ExceptionHandler(InvalidParameterException.class)
	ResponseEntity<Object> invalidParameters(InvalidParameterException ex) {
		logger.debug("Unreadable request parameters", ex);
		HttpStatus status = HttpStatus.resolve(ex.getErrorCode());
		if (status == null || !status.is4xxClientError()) {
			status = HttpStatus.BAD_REQUEST;
		}
		return problem(Problems.of(status, "malformed-parameters", "Malformed request parameters",
				"The query string or form parameters are not valid percent-encoded UTF-8", Map.of()));
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<Object> unexpected(Exception ex) {
		logger.error("Unexpected error", ex);
		return problem(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
				"The request could not be completed; see the service log", Map.of()));
	}

	private static ResponseEntity<Object> problem(ProblemDetail problem) {
		return ResponseEntity.status(problem.getStatus()).body(problem);
	}

	private static String name(ParameterValidationResult result) {
		String name = result.getMethodParameter().getParameterName();
		return (name != null) ? name : "parameter";
	}

	private static String path(DatabindException ex) {
		return ex.getPath().stream().map((reference) -> {
			if (reference.getPropertyName() != null) {
				return "." + reference.getPropertyName();
			}
			return "[" + reference.getIndex() + "]";
		}).collect(Collectors.joining()).replaceFirst("^\\.", "");
	}

	private static <T> List<T> concat(List<T> first, List<T> second) {
		return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
	}

}
