package io.mqlab.recommendation.recommend;

import java.util.List;

import io.mqlab.recommendation.click.ClickRequest;
import io.mqlab.support.Problems;
import io.mqlab.support.Problems.FieldError;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Recommendations, trending and related products, all read from the aggregates.
 */
@RestController
class RecommendationController {

	private final Recommender recommender;

	RecommendationController(Recommender recommender) {
		this.recommender = recommender;
	}

	@GetMapping("/recommendations/{userId}")
	Recommendations recommendations(@PathVariable @Pattern(regexp = ClickRequest.USER_ID) String userId,
			@RequestParam(defaultValue = "10") @Min(1) @Max(100) int limit) {
		return new Recommendations(userId, this.recommender.forUser(userId, limit));
	}

	@GetMapping("/products/{sku}/related")
	Related related(@PathVariable @Pattern(regexp = ClickRequest.SKU) String sku,
			@RequestParam(defaultValue = "10") @Min(1) @Max(100) int limit) {
		return new Related(sku, this.recommender.related(sku, limit));
	}

	@GetMapping("/trending")
	ResponseEntity<Object> trending(@RequestParam(defaultValue = "5m") String window,
			@RequestParam(defaultValue = "10") @Min(1) @Max(100) int limit) {
		TrendingWindow chosen = TrendingWindow.of(window);
		if (chosen == null) {
			return ResponseEntity.badRequest()
				.body(Problems.validation(List.of(new FieldError("window", "must be one of [5m, 1h]"))));
		}
		List<Trending.Item> items = this.recommender.trending(chosen, limit)
			.entrySet()
			.stream()
			.map((entry) -> new Trending.Item(entry.getKey(), Recommendation.round(entry.getValue())))
			.toList();
		return ResponseEntity.ok(new Trending(chosen.id(), items));
	}

	/** A user's recommendations, best first. */
	record Recommendations(String userId, List<Recommendation> items) {

	}

	/** Products related to one, best first. */
	record Related(String sku, List<Recommendation> items) {

	}

	/** The products with the most weighted interactions in the window, best first. */
	record Trending(String window, List<Item> items) {

		record Item(String sku, double score) {

		}

	}

}
