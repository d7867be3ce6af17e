package io.mqlab.platform;

import java.util.Map;

import io.mqlab.messaging.contract.TcpProxy;
import io.mqlab.messaging.kafka.ProxiedKafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The migration on an in-JVM Kafka broker whose advertised proxy port lets the outbox
 * test cut the legacy service off from it.
 */
class KafkaMigrationEndToEndTests extends MigrationEndToEndTests {

	private static ProxiedKafkaBroker broker;

	@BeforeAll
	static void startBroker() {
		broker = ProxiedKafkaBroker.start();
	}

	@AfterAll
	static void stopBroker() {
		broker.close();
	}

	@Override
	protected String backend() {
		return "kafka";
	}

	@Override
	protected Map<String, String> broker(Platform platform) {
		return Map.of("spring.kafka.bootstrap-servers", broker.bootstrapServers());
	}

	@Override
	protected int brokerPort() {
		return broker.proxiedListenerPort();
	}

	@Override
	protected TcpProxy newProxy() {
		return broker.newProxy();
	}

	@Override
	protected Map<String, String> brokerVia(int port, Platform platform) {
		return Map.of("spring.kafka.bootstrap-servers", "127.0.0.1:" + port);
	}

}
