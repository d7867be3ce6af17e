package io.mqlab.cdc;

class PostgresCdcServiceTests extends CdcServiceTests {

	PostgresCdcServiceTests() {
		super(TestBroker.of("postgres"));
	}

}
