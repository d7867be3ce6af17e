package io.mqlab.reconciliation.report;

import java.util.List;
import java.util.UUID;

import io.mqlab.support.Problems;
import io.mqlab.support.Problems.FieldError;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

@RestController
@RequestMapping("/reconciliation")
class ReconciliationController {

	static final int MAX_OFFSET = 10_000;

	private final ReconciliationReport report;

	ReconciliationController(ReconciliationReport report) {
		this.report = report;
	}

	@GetMapping("/summary")
	Summary summary() {
		return this.report.summary();
	}

	/**
	 * A page of mismatches, newest first. The database walks past every skipped row, so
	 * the offset ({@code page * size}) is capped at {@value #MAX_OFFSET}: narrow by field
	 * instead of paging deeper.
	 */
	@GetMapping("/mismatches")
	ResponseEntity<Object> mismatches(
			@RequestParam(required = false) @Pattern(regexp = "[A-Za-z0-9_.\\[\\]]{0,100}") String field,
			@RequestParam(defaultValue = "0") @Min(0) @Max(MAX_OFFSET) int page,
			@RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
		if ((long) page * size > MAX_OFFSET) {
			return ResponseEntity.badRequest()
				.body(Problems.validation(List.of(new FieldError("page",
						"page * size must be at most " + MAX_OFFSET + "; narrow the list with field instead"))));
		}
		return ResponseEntity.ok(this.report.mismatches((field == null || field.isEmpty()) ? null : field, page, size));
	}

	@GetMapping("/orders/{id}")
	ReconciliationReport.OrderReconciliation order(@PathVariable UUID id) {
		return this.report.order(id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No reconciliation for order " + id));
	}

}
