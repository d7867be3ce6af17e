package io.mqlab.recommendation.click;

import java.time.Instant;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * One click as a client sends it. Unknown fields are rejected
 * ({@code spring.jackson.deserialization.fail-on-unknown-properties}).
 *
 * @param userId the user, as the order service's customer id
 * @param sku the product
 * @param type VIEW, CLICK or ADD_TO_CART
 * @param sessionId optional session id
 * @param at optional event time (default: when it is received), not in the future
 */
public record ClickRequest(@NotNull @Pattern(regexp = ClickRequest.USER_ID) String userId,
		@NotNull @Pattern(regexp = ClickRequest.SKU) String sku, @NotNull ClickType type,
		@Pattern(regexp = "[A-Za-z0-9_.:-]{1,64}") String sessionId, Instant at) {

	/** As the order service's customer ids. */
	public static final String USER_ID = "[A-Za-z0-9_-]{1,64}";

	/** As the order service's skus. */
	public static final String SKU = "[A-Z0-9-]{1,32}";

}
