package io.mqlab.reconciliation.reconcile;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads events without losing what matters for money: decimals stay decimals, with their
 * scale ({@code 1.50} is not turned into the double {@code 1.5}).
 */
public final class ExactJson {

	private static final JsonMapper MAPPER = JsonMapper.builder()
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
		.build();

	private ExactJson() {
	}

	public static JsonNode read(String json) {
		return MAPPER.readTree(json);
	}

}
