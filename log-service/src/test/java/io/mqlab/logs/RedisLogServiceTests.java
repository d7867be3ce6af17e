package io.mqlab.logs;

import io.mqlab.messaging.contract.TestBroker;

/** The log service on Redis. */
class RedisLogServiceTests extends LogServiceTests {

	RedisLogServiceTests() {
		super(TestBroker.of("redis"));
	}

}
