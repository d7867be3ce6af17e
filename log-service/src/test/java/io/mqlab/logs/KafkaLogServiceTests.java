package io.mqlab.logs;

/** The log service on Kafka. */
class KafkaLogServiceTests extends LogServiceTests {

	KafkaLogServiceTests() {
		super(TestBroker.of("kafka"));
	}

}
