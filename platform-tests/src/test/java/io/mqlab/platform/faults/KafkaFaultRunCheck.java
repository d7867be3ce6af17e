package io.mqlab.platform.faults;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.mqlab.messaging.contract.TcpProxy;

/** The fault run on a real Kafka broker that the run starts, and restarts, itself. */
class KafkaFaultRunCheck extends FaultRunCheck {

	@Override
	protected FaultBroker broker() {
		return new KafkaFaults();
	}

	static final class KafkaFaults extends FaultBroker {

		private KafkaBrokerProcess kafka;

		@Override
		String backend() {
			return "kafka";
		}

		@Override
		void start(RunNames names, Path dir, List<String> services) {
			this.kafka = new KafkaBrokerProcess(dir.resolve("kafka"), services);
			this.kafka.start();
		}

		@Override
		TcpProxy proxyFor(String service) {
			return this.kafka.proxyFor(service);
		}

		@Override
		Map<String, String> via(TcpProxy proxy, RunNames names) {
			return Map.of("spring.kafka.bootstrap-servers", "127.0.0.1:" + proxy.port());
		}

		@Override
		Map<String, String> direct(RunNames names) {
			return Map.of("spring.kafka.bootstrap-servers", this.kafka.bootstrapServers());
		}

		/**
		 * The broker's smallest session timeout: a killed member's partitions move after
		 * 6 s rather than the default 45 s.
		 */
		@Override
		Map<String, String> quickFailover() {
			return Map.of("spring.kafka.consumer.properties.session.timeout.ms", "6000",
					"spring.kafka.consumer.properties.heartbeat.interval.ms", "1000");
		}

		@Override
		String restart(RunNames names) {
			this.kafka.restart();
			return "Kafka broker killed (SIGKILL) and started again on the same data and ports";
		}

		@Override
		public void close() {
			if (this.kafka != null) {
				this.kafka.close();
			}
		}

	}

}
