package io.mqlab.monitoring;

class RabbitMonitoringServiceTests extends MonitoringServiceTests {

	RabbitMonitoringServiceTests() {
		super(TestBroker.of("rabbitmq"));
	}

}
