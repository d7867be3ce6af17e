package io.mqlab.cdc;

import io.mqlab.messaging.contract.TestBroker;

class RabbitCdcServiceTests extends CdcServiceTests {

	RabbitCdcServiceTests() {
		super(TestBroker.of("rabbitmq"));
	}

}
