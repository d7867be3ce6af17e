package io.mqlab.recommendation.simulate;

import java.time.Instant;

/**
 * A click as the simulator posts it (the shape of {@code POST /clicks}).
 */
public record SimulatedClick(String userId, String sku, String type, String sessionId, Instant at) {

	/** The JSON the API takes. */
	public String json() {
		return "{\"userId\":\"%s\",\"sku\":\"%s\",\"type\":\"%s\",\"sessionId\":\"%s\"%s}".formatted(this.userId,
				this.sku, this.type, this.sessionId, (this.at != null) ? ",\"at\":\"" + this.at + "\"" : "");
	}

}
