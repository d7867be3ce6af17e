package io.mqlab.logs;

import io.mqlab.messaging.contract.TestBroker;

/** The log service on Kafka. */
class KafkaLogServiceTests extends LogServiceTests {

	KafkaLogServiceTests() {
		super(TestBroker.of("kafka"));
	}

}
