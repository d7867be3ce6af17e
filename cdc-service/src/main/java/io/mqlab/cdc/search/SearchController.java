package io.mqlab.cdc.search;

import java.math.BigDecimal;
import java.util.List;

import io.mqlab.support.Problems;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Product search over the index the search sink keeps. */
@RestController
@ConditionalOnBooleanProperty(name = "mqlab.cdc.sinks.search.enabled", matchIfMissing = true)
class SearchController {

	private final OpenSearchProductIndex index;

	SearchController(OpenSearchProductIndex index) {
		this.index = index;
	}

	@GetMapping("/search/products")
	OpenSearchProductIndex.SearchResult search(@RequestParam(required = false) @Size(max = 200) String q,
			@RequestParam(required = false) @Pattern(regexp = "[^\\p{Cntrl}]{1,32}",
					message = "must be 1 to 32 characters, no control characters") String tag,
			@RequestParam(required = false) @DecimalMin("0") @DecimalMax("9999999999.99") BigDecimal minPrice,
			@RequestParam(required = false) @DecimalMin("0") @DecimalMax("9999999999.99") BigDecimal maxPrice,
			@RequestParam(defaultValue = "20") @Min(1) @Max(100) int size) {
		if (minPrice != null && maxPrice != null && minPrice.compareTo(maxPrice) > 0) {
			throw new BadRange();
		}
		return this.index.search(q, tag, minPrice, maxPrice, size);
	}

	@ExceptionHandler(BadRange.class)
	ProblemDetail badRange() {
		return Problems.validation(List.of(new Problems.FieldError("minPrice", "must not be above maxPrice")));
	}

	@ExceptionHandler(SearchUnavailableException.class)
	ProblemDetail unavailable(SearchUnavailableException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
	}

	static class BadRange extends RuntimeException {

	}

}
