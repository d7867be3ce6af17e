package io.mqlab.logs;

/** The log service on Redis. */
class RedisLogServiceTests extends LogServiceTests {

	RedisLogServiceTests() {
		super(TestBroker.of("redis"));
	}

}
