package io.mqlab.monitoring;

class PostgresMonitoringServiceTests extends MonitoringServiceTests {

	PostgresMonitoringServiceTests() {
		super(TestBroker.of("postgres"));
	}

}
