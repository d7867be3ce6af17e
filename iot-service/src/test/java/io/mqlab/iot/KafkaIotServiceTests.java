package io.mqlab.iot;

import io.mqlab.messaging.contract.TestBroker;

class KafkaIotServiceTests extends IotServiceTests {

	KafkaIotServiceTests() {
		super(TestBroker.of("kafka"));
	}

}
