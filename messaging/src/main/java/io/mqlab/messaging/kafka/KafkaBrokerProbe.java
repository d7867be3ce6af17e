package io.mqlab.messaging.kafka;

import java.util.concurrent.TimeUnit;

import io.mqlab.messaging.BrokerProbe;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Asks the cluster for its id, with a short timeout so start-up and health checks answer
 * quickly when Kafka is down.
 */
final class KafkaBrokerProbe implements BrokerProbe {

	private static final int TIMEOUT_MILLIS = 2500;

	private final KafkaClients clients;

	KafkaBrokerProbe(KafkaClients clients) {
		this.clients = clients;
	}

	@Override
	public String location() {
		return this.clients.bootstrapServers();
	}

	@Override
	public String hint() {
		return "start Kafka (bin/kafka-server-start.sh config/server.properties) or set spring.kafka.bootstrap-servers";
	}

	@Override
	public void check() throws Exception {
		this.clients.admin()
			.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MILLIS))
			.clusterId()
			.get(TIMEOUT_MILLIS + 500, TimeUnit.MILLISECONDS);
	}

}
