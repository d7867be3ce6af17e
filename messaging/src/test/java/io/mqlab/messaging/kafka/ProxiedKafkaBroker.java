package io.mqlab.messaging.kafka;

import io.mqlab.messaging.contract.TcpProxy;
import io.mqlab.messaging.contract.TestBrokers;
import kafka.server.BrokerServer;
import org.apache.kafka.common.network.ListenerName;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * An in-JVM KRaft broker that a test can cut off from a client. Kafka clients connect to
 * the address the broker advertises after bootstrap, so a proxy in front of the broker
 * only carries all of a client's traffic if the broker advertises the proxy: the broker
 * gets a second listener, {@code PROXIED}, advertised on a port reserved for the
 * {@link #newProxy() proxies}.
 * <p>
 * Where a Docker engine runs ({@link TestBrokers#containers()}), the broker is instead
 * the run's shared Kafka container, which has the same second listener; closing leaves it
 * to the next test class.
 */
public final class ProxiedKafkaBroker implements AutoCloseable {

	private static final String PROXIED = "PROXIED";

	private final int proxyPort;

	/** The in-JVM broker, or null when the broker is the shared container. */
	private final EmbeddedKafkaKraftBroker broker;

	private ProxiedKafkaBroker(boolean container) {
		if (container) {
			this.proxyPort = TestBrokers.kafkaProxyPort();
			this.broker = null;
			return;
		}
		this.proxyPort = freePort();
		this.broker = new EmbeddedKafkaKraftBroker(1, 1);
		// By default the broker sets spring.kafka.bootstrap-servers as a system property,
		// which would win over the proxied contexts' own and leak into later tests.
		this.broker.brokerListProperty("mqlab.test.kafka.brokers");
		this.broker.brokerProperty("listeners",
				"EXTERNAL://localhost:0,CONTROLLER://localhost:0," + PROXIED + "://127.0.0.1:0");
		this.broker.brokerProperty("advertised.listeners",
				"EXTERNAL://localhost:0," + PROXIED + "://127.0.0.1:" + this.proxyPort);
		this.broker.brokerProperty("listener.security.protocol.map",
				"EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT," + PROXIED + ":PLAINTEXT");
		// Topics are created by the adapter, with the partitions it is configured for.
		this.broker.brokerProperty("auto.create.topics.enable", "false");
		// One partition for consumer offsets: the first group starts in ms, not seconds.
		this.broker.brokerProperty("offsets.topic.num.partitions", "1");
	}

	public static ProxiedKafkaBroker start() {
		if (TestBrokers.containers()) {
			return new ProxiedKafkaBroker(true);
		}
		ProxiedKafkaBroker broker = new ProxiedKafkaBroker(false);
		broker.broker.afterPropertiesSet();
		return broker;
	}

	/** Where clients connect directly. */
	public String bootstrapServers() {
		if (this.broker == null) {
			return TestBrokers.kafkaContainer().getBootstrapServers();
		}
		return this.broker.getBrokersAsString();
	}

	/** The port the proxied listener is bound to, behind the proxy. */
	public int proxiedListenerPort() {
		if (this.broker == null) {
			return TestBrokers.kafkaProxiedPort();
		}
		BrokerServer server = this.broker.getCluster().brokers().values().iterator().next();
		return server.boundPort(ListenerName.normalised(PROXIED));
	}

	/**
	 * A proxy on the advertised port; bootstrap through {@code 127.0.0.1:proxy.port()}.
	 */
	public TcpProxy newProxy() {
		return new TcpProxy(proxiedListenerPort(), this.proxyPort);
	}

	@Override
	public void close() {
		if (this.broker != null) {
			this.broker.destroy();
		}
	}

	private static int freePort() {
		return TcpProxy.freePort();
	}

}
