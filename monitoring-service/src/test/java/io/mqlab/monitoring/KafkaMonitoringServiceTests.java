package io.mqlab.monitoring;

class KafkaMonitoringServiceTests extends MonitoringServiceTests {

	KafkaMonitoringServiceTests() {
		super(TestBroker.of("kafka"));
	}

}
