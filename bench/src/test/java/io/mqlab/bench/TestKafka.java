package io.mqlab.bench;

import io.mqlab.messaging.Backend;
import io.mqlab.messaging.contract.TestBrokers;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The Kafka broker of the smoke runs: an in-JVM KRaft broker tuned to hand out partitions
 * at once, or the run's Kafka container where a Docker engine runs ({@link TestBrokers}).
 */
public final class TestKafka implements AutoCloseable {

	/** The in-JVM broker, or null for the shared container. */
	private final EmbeddedKafkaKraftBroker kafka;

	private TestKafka(EmbeddedKafkaKraftBroker kafka) {
		this.kafka = kafka;
	}

	/**
	 * Starts a broker whose address goes to {@code property}: not
	 * spring.kafka.bootstrap-servers, since the bench passes its own to each context.
	 */
	public static TestKafka start(String property) {
		if (TestBrokers.containers()) {
			return new TestKafka(null);
		}
		EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1);
		kafka.brokerListProperty(property);
		kafka.brokerProperty("offsets.topic.num.partitions", "1");
		kafka.brokerProperty("group.initial.rebalance.delay.ms", "0");
		kafka.afterPropertiesSet();
		return new TestKafka(kafka);
	}

	public String bootstrapServers() {
		return (this.kafka != null) ? this.kafka.getBrokersAsString()
				: TestBrokers.kafkaContainer().getBootstrapServers();
	}

	/** The brokers of a smoke run on this backend. */
	public Brokers brokersFor(Backend backend) {
		return TestBrokersForBench.brokers(backend, bootstrapServers());
	}

	@Override
	public void close() {
		if (this.kafka != null) {
			this.kafka.destroy();
		}
	}

}
