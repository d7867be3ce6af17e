package io.mqlab.cdc;

class RedisCdcServiceTests extends CdcServiceTests {

	RedisCdcServiceTests() {
		super(TestBroker.of("redis"));
	}

}
