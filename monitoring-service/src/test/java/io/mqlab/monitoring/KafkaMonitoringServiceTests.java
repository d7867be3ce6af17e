package io.mqlab.monitoring;

import io.mqlab.messaging.contract.TestBroker;

class KafkaMonitoringServiceTests extends MonitoringServiceTests {

	KafkaMonitoringServiceTests() {
		super(TestBroker.of("kafka"));
	}

}
