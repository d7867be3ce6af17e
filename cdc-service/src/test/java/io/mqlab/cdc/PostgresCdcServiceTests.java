package io.mqlab.cdc;

import io.mqlab.messaging.contract.TestBroker;

class PostgresCdcServiceTests extends CdcServiceTests {

	PostgresCdcServiceTests() {
		super(TestBroker.of("postgres"));
	}

}
