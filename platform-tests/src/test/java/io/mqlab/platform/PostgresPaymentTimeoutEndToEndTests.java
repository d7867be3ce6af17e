package io.mqlab.platform;

import java.util.Map;

/**
 * The payment timeout with PostgreSQL as the broker (the queue schema is dropped with the
 * run).
 */
class PostgresPaymentTimeoutEndToEndTests extends PaymentTimeoutEndToEndTests {

	@Override
	protected String backend() {
		return "postgres";
	}

	@Override
	protected Map<String, String> broker() {
		return Map.of();
	}

}
