package io.mqlab.iot;

class KafkaIotServiceTests extends IotServiceTests {

	KafkaIotServiceTests() {
		super(TestBroker.of("kafka"));
	}

}
