package io.mqlab.logs.search;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mqlab.logs.LogSettings;
import io.mqlab.logs.index.LogIndices;
import io.mqlab.logs.search.OpenSearchJson.SearchRejectedException;
import io.mqlab.logs.search.OpenSearchJson.SearchUnavailableException;
import io.mqlab.support.Problems;
import io.mqlab.support.Problems.FieldError;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /logs/search}: the newest hits first with search-after paging, the total, a
 * date histogram, and counts per service and per level. The counts of each facet leave
 * out that facet's own filter (as a Discover sidebar does), so the page can show the
 * other services while one is chosen.
 */
@RestController
@ConditionalOnProperty(name = "mqlab.logs.search.enabled", matchIfMissing = true)
class SearchController {

	/** Histogram intervals, the first that gives at most about 60 buckets wins. */
	private static final List<Duration> INTERVALS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(5),
			Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
			Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(3),
			Duration.ofHours(12), Duration.ofDays(1), Duration.ofDays(7));

	private final OpenSearchJson opensearch;

	private final LogIndices indices;

	private final LogSettings settings;

	SearchController(OpenSearchJson opensearch, LogIndices indices, LogSettings settings) {
		this.opensearch = opensearch;
		this.indices = indices;
		this.settings = settings;
	}

	@GetMapping("/logs/search")
	ResponseEntity<Object> search(HttpServletRequest request) {
		List<FieldError> errors = new ArrayList<>();
		LogQuery query = LogQuery.read(request.getParameterMap(), LogQuery.SEARCH_PARAMETERS,
				this.settings.search().maxSize(), this.settings.retention(), Instant.now(), errors);
		if (!errors.isEmpty()) {
			return ResponseEntity.badRequest().body(Problems.validation(errors));
		}
		Duration interval = interval(query);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("query", query.baseQuery());
		body.put("post_filter", query.facetFilter(null));
		body.put("size", query.size());
		body.put("track_total_hits", true);
		body.put("sort", List.of(Map.of("@timestamp", "desc"), Map.of("id", "desc")));
		if (query.after() != null) {
			body.put("search_after", List.of(query.after().timestamp(), query.after().id()));
		}
		body.put("aggs", Map.of("histogram",
				Map.of("filter", query.facetFilter(null), "aggs", Map.of("buckets", Map.of("date_histogram",
						Map.of("field", "@timestamp", "fixed_interval", interval.toSeconds() + "s", "min_doc_count", 0,
								"extended_bounds",
								Map.of("min", query.from().toEpochMilli(), "max", query.to().toEpochMilli()))))),
				"services", facet(query, "service", 50), "levels", facet(query, "level", 20)));
		JsonNode answer = this.opensearch.search(this.indices.pattern(), body);
		return ResponseEntity.ok(result(answer, query, interval));
	}

	private static Map<String, Object> facet(LogQuery query, String field, int size) {
		return Map.of("filter", query.facetFilter(field), "aggs",
				Map.of("terms", Map.of("terms", Map.of("field", field, "size", size))));
	}

	private static Duration interval(LogQuery query) {
		Duration range = Duration.between(query.from(), query.to());
		for (Duration interval : INTERVALS) {
			if (range.dividedBy(interval) <= 60) {
				return interval;
			}
		}
		return INTERVALS.get(INTERVALS.size() - 1);
	}

	static SearchResult result(JsonNode answer, LogQuery query, Duration interval) {
		List<JsonNode> hits = new ArrayList<>();
		String next = null;
		for (JsonNode hit : answer.path("hits").path("hits")) {
			hits.add(hit.path("_source"));
			JsonNode sort = hit.path("sort");
			next = new LogQuery.After(sort.path(0).asLong(), sort.path(1).asString()).token();
		}
		if (hits.size() < query.size()) {
			next = null;
		}
		JsonNode total = answer.path("hits").path("total");
		List<SearchResult.Bucket> histogram = new ArrayList<>();
		for (JsonNode bucket : answer.path("aggregations").path("histogram").path("buckets").path("buckets")) {
			histogram.add(new SearchResult.Bucket(Instant.ofEpochMilli(bucket.path("key").asLong()),
					bucket.path("doc_count").asLong()));
		}
		return new SearchResult(total.path("value").asLong(), "gte".equals(total.path("relation").asString()), hits,
				next, interval.toSeconds(), histogram, counts(answer, "services"), counts(answer, "levels"));
	}

	private static Map<String, Long> counts(JsonNode answer, String name) {
		Map<String, Long> counts = new LinkedHashMap<>();
		for (JsonNode bucket : answer.path("aggregations").path(name).path("terms").path("buckets")) {
			counts.put(bucket.path("key").asString(), bucket.path("doc_count").asLong());
		}
		return counts;
	}

	@ExceptionHandler(SearchRejectedException.class)
	ResponseEntity<Object> rejected(SearchRejectedException ex) {
		return ResponseEntity.badRequest()
			.body(Problems.of(HttpStatus.BAD_REQUEST, "invalid-search", "Invalid search", ex.getMessage(), Map.of()));
	}

	@ExceptionHandler(SearchUnavailableException.class)
	ResponseEntity<Object> unavailable(SearchUnavailableException ex) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.body(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "index-unavailable", "Log index unavailable",
					"The log index cannot be searched right now; try again shortly", Map.of()));
	}

	/**
	 * One page of a search.
	 *
	 * @param total how many lines match (with the service and level filters)
	 * @param totalIsLowerBound whether there are more than {@code total}
	 * @param hits the lines, newest first
	 * @param next the {@code after} of the next page, or null on the last page
	 * @param intervalSeconds the histogram's bucket width
	 * @param histogram lines per bucket over the time range
	 * @param services lines per service (without the service filter)
	 * @param levels lines per level (without the level filter)
	 */
	record SearchResult(long total, boolean totalIsLowerBound, List<JsonNode> hits, String next, long intervalSeconds,
			List<Bucket> histogram, Map<String, Long> services, Map<String, Long> levels) {

		record Bucket(Instant time, long count) {

		}

	}

}
