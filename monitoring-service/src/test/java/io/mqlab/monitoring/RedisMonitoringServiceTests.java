package io.mqlab.monitoring;

import io.mqlab.messaging.contract.TestBroker;

class RedisMonitoringServiceTests extends MonitoringServiceTests {

	RedisMonitoringServiceTests() {
		super(TestBroker.of("redis"));
	}

}
