package io.mqlab.reconciliation.reconcile;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class FieldComparatorTests {

	private final FieldComparator exact = new FieldComparator(List.of("placedAt"), BigDecimal.ZERO);

	@Test
	void equalDocumentsHaveNoDiffsWhateverTheNumberScale() {
		assertThat(this.exact.compare(json("{\"total\": 31.68, \"items\": [{\"price\": 1.5}]}"),
				json("{\"total\": 31.680, \"items\": [{\"price\": 1.50}]}")))
			.isEmpty();
	}

	@Test
	void reportsEachDifferingFieldWithBothValues() {
		assertThat(
				this.exact.compare(json("{\"tax\": 0.29, \"status\": \"PLACED\", \"items\": [{\"lineTotal\": 1.50}]}"),
						json("{\"tax\": 0.28, \"status\": \"PLACED\", \"items\": [{\"lineTotal\": 1.49}]}")))
			.containsExactly(new FieldDiff("tax", "0.29", "0.28"), new FieldDiff("items[0].lineTotal", "1.50", "1.49"));
	}

	@Test
	void reportsFieldsPresentOnOneSideOnly() {
		assertThat(this.exact.compare(json("{\"a\": 1}"), json("{\"a\": 1, \"b\": \"x\"}")))
			.containsExactly(new FieldDiff("b", null, "\"x\""));
		assertThat(this.exact.compare(json("{\"items\": [1, 2]}"), json("{\"items\": [1]}")))
			.containsExactly(new FieldDiff("items[1]", "2", null));
	}

	@Test
	void ignoresConfiguredFieldsByNameOrPath() {
		FieldComparator comparator = new FieldComparator(List.of("placedAt", "items[].sku"), BigDecimal.ZERO);
		assertThat(comparator.compare(json("{\"placedAt\": \"a\", \"items\": [{\"sku\": \"A\", \"q\": 1}]}"),
				json("{\"placedAt\": \"b\", \"items\": [{\"sku\": \"B\", \"q\": 1}]}")))
			.isEmpty();
	}

	@Test
	void toleratesSmallNumericDifferencesWhenAsked() {
		FieldComparator tolerant = new FieldComparator(List.of(), new BigDecimal("0.01"));
		assertThat(tolerant.compare(json("{\"tax\": 0.29}"), json("{\"tax\": 0.28}"))).isEmpty();
		assertThat(tolerant.compare(json("{\"tax\": 0.30}"), json("{\"tax\": 0.28}"))).hasSize(1);
	}

	@Test
	void normalizesListIndexesForStatistics() {
		assertThat(new FieldDiff("items[12].lineTotal", "1", "2").normalizedField()).isEqualTo("items[].lineTotal");
	}

	private static JsonNode json(String text) {
		return ExactJson.read(text);
	}

}
