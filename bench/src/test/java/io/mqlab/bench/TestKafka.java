package io.mqlab.bench;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * An in-JVM KRaft broker for the smoke runs, tuned to hand out partitions at once.
 */
public final class TestKafka {

	private TestKafka() {
	}

	/**
	 * Starts a broker whose address goes to {@code property}: not
	 * spring.kafka.bootstrap-servers, since the bench passes its own to each context.
	 */
	public static EmbeddedKafkaKraftBroker start(String property) {
		EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1);
		kafka.brokerListProperty(property);
		kafka.brokerProperty("offsets.topic.num.partitions", "1");
		kafka.brokerProperty("group.initial.rebalance.delay.ms", "0");
		kafka.afterPropertiesSet();
		return kafka;
	}

}
