package io.mqlab.monitoring;

import io.mqlab.messaging.contract.TestBroker;

class PostgresMonitoringServiceTests extends MonitoringServiceTests {

	PostgresMonitoringServiceTests() {
		super(TestBroker.of("postgres"));
	}

}
