package io.mqlab.cdc.consistency;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * The source compared with the cache, the index and the replica, with paged differences.
 */
@RestController
class ConsistencyController {

	private final ConsistencyCheck check;

	ConsistencyController(ConsistencyCheck check) {
		this.check = check;
	}

	@GetMapping("/cdc/consistency")
	Report consistency(@RequestParam(defaultValue = "0") @Min(0) @Max(1000) int page,
			@RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
		ConsistencyCheck.Result result = this.check.run();
		List<ConsistencyCheck.Difference> all = result.differences();
		int from = Math.min(all.size(), page * size);
		int to = Math.min(all.size(), from + size);
		boolean consistent = result.sinks().values().stream().allMatch(ConsistencyCheck.SinkResult::consistent);
		return new Report(result.checkedAt(), consistent, result.sourceRows(), result.sinks(),
				new Differences(page, size, all.size(), all.subList(from, to)));
	}

	/**
	 * @param checkedAt when the check ended
	 * @param consistent every sink equals the source
	 * @param sourceRows rows in the source
	 * @param sinks counts per sink
	 * @param differences one page of the differences
	 */
	record Report(Instant checkedAt, boolean consistent, long sourceRows,
			Map<String, ConsistencyCheck.SinkResult> sinks, Differences differences) {

	}

	/**
	 * @param page the page
	 * @param size its size
	 * @param total differences found (at most {@value ConsistencyCheck#MAX_DIFFERENCES}
	 * kept)
	 * @param items this page's
	 */
	record Differences(int page, int size, long total, List<ConsistencyCheck.Difference> items) {

	}

}
