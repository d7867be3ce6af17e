package io.mqlab.cdc;

class RabbitCdcServiceTests extends CdcServiceTests {

	RabbitCdcServiceTests() {
		super(TestBroker.of("rabbitmq"));
	}

}
