package io.mqlab.reconciliation.report;

import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

@RestController
@RequestMapping("/reconciliation")
class ReconciliationController {

	private final ReconciliationReport report;

	ReconciliationController(ReconciliationReport report) {
		this.report = report;
	}

	@GetMapping("/summary")
	Summary summary() {
		return this.report.summary();
	}

	@GetMapping("/mismatches")
	ReconciliationReport.MismatchPage mismatches(
			@RequestParam(required = false) @Pattern(regexp = "[A-Za-z0-9_.\\[\\]]{0,100}") String field,
			@RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
			@RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
		return this.report.mismatches((field == null || field.isEmpty()) ? null : field, page, size);
	}

	@GetMapping("/orders/{id}")
	ReconciliationReport.OrderReconciliation order(@PathVariable UUID id) {
		return this.report.order(id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No reconciliation for order " + id));
	}

}
