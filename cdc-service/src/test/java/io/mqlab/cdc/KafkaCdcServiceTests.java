package io.mqlab.cdc;

class KafkaCdcServiceTests extends CdcServiceTests {

	KafkaCdcServiceTests() {
		super(TestBroker.of("kafka"));
	}

}
