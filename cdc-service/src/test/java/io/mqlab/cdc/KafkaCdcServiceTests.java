package io.mqlab.cdc;

import io.mqlab.messaging.contract.TestBroker;

class KafkaCdcServiceTests extends CdcServiceTests {

	KafkaCdcServiceTests() {
		super(TestBroker.of("kafka"));
	}

}
