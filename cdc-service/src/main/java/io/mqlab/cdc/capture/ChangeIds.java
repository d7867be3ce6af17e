package io.mqlab.cdc.capture;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import io.mqlab.cdc.change.ProductChanged;

/**
 * A change's message id, the same each time the change is captured again (after a crash),
 * so a consumer that remembers ids can tell a re-capture from a new change.
 */
final class ChangeIds {

	private ChangeIds() {
	}

	static UUID of(String slot, ProductChanged change) {
		return UUID.nameUUIDFromBytes(
				(slot + "/" + change.lsn() + "/" + change.op() + "/" + change.sku()).getBytes(StandardCharsets.UTF_8));
	}

}
