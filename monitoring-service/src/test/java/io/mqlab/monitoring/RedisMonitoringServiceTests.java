package io.mqlab.monitoring;

class RedisMonitoringServiceTests extends MonitoringServiceTests {

	RedisMonitoringServiceTests() {
		super(TestBroker.of("redis"));
	}

}
