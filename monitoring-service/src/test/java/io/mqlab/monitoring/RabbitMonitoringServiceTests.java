package io.mqlab.monitoring;

import io.mqlab.messaging.contract.TestBroker;

class RabbitMonitoringServiceTests extends MonitoringServiceTests {

	RabbitMonitoringServiceTests() {
		super(TestBroker.of("rabbitmq"));
	}

}
