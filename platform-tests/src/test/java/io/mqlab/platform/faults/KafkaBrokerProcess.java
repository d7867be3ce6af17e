package io.mqlab.platform.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mqlab.messaging.contract.TcpProxy;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

import static org.awaitility.Awaitility.await;

/**
 * A real Kafka broker (KRaft, broker and controller in one process) as a child JVM, so
 * the run can restart it: it keeps its data directory and ports. Each client that the run
 * may cut off gets a listener of its own, advertised on the port of its {@link TcpProxy}:
 * Kafka clients reconnect to the advertised address, so a proxy only carries all of a
 * client's traffic if the broker advertises the proxy.
 */
final class KafkaBrokerProcess implements AutoCloseable {

	private final Path dir;

	private final int port = freePort();

	private final int controllerPort = freePort();

	/** Listener name to {bound port, advertised proxy port}. */
	private final Map<String, int[]> proxied = new LinkedHashMap<>();

	private final ChildJvm jvm;

	KafkaBrokerProcess(Path dir, List<String> clients) {
		this.dir = dir;
		for (String client : clients) {
			this.proxied.put(listener(client), new int[] { freePort(), freePort() });
		}
		String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		List<String> command = ChildJvm.java("768m", "-Dlogback.configurationFile=" + dir.resolve("logback.xml"), "-cp",
				classpath, "kafka.Kafka", dir.resolve("server.properties").toString());
		this.jvm = new ChildJvm("kafka", command, dir);
	}

	private static String listener(String client) {
		return "C" + client.toUpperCase().replaceAll("[^A-Z0-9]", "");
	}

	/** Where clients that are never cut off connect. */
	String bootstrapServers() {
		return "127.0.0.1:" + this.port;
	}

	/** A proxy for this client; it bootstraps through {@code 127.0.0.1:proxy.port()}. */
	TcpProxy proxyFor(String client) {
		int[] ports = this.proxied.get(listener(client));
		return new TcpProxy(ports[0], ports[1]);
	}

	void start() {
		if (!Files.exists(this.dir.resolve("data/meta.properties"))) {
			configure();
		}
		this.jvm.start();
		await("Kafka started").atMost(Duration.ofMinutes(3))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> started() || !this.jvm.isAlive());
		if (!this.jvm.isAlive()) {
			throw new IllegalStateException("Kafka did not start, see " + this.jvm.log());
		}
	}

	/** A crash (SIGKILL), then the same broker again. */
	void restart() {
		this.jvm.kill();
		start();
	}

	private boolean started() throws IOException {
		return Files.readString(this.jvm.log()).contains("Kafka Server started");
	}

	private void configure() {
		StringBuilder listeners = new StringBuilder(
				"PLAINTEXT://127.0.0.1:" + this.port + ",CONTROLLER://127.0.0.1:" + this.controllerPort);
		StringBuilder advertised = new StringBuilder("PLAINTEXT://127.0.0.1:" + this.port);
		StringBuilder protocols = new StringBuilder("CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
		this.proxied.forEach((name, ports) -> {
			listeners.append(',').append(name).append("://127.0.0.1:").append(ports[0]);
			advertised.append(',').append(name).append("://127.0.0.1:").append(ports[1]);
			protocols.append(',').append(name).append(":PLAINTEXT");
		});
		List<String> properties = new ArrayList<>(List.of("process.roles=broker,controller", "node.id=1",
				"controller.quorum.voters=1@127.0.0.1:" + this.controllerPort, "listeners=" + listeners,
				"advertised.listeners=" + advertised, "listener.security.protocol.map=" + protocols,
				"controller.listener.names=CONTROLLER", "inter.broker.listener.name=PLAINTEXT",
				"log.dirs=" + this.dir.resolve("data"), "auto.create.topics.enable=false",
				"offsets.topic.replication.factor=1", "offsets.topic.num.partitions=1",
				"transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
				"share.coordinator.state.topic.replication.factor=1", "share.coordinator.state.topic.min.isr=1",
				"group.initial.rebalance.delay.ms=0"));
		String logback = """
				<configuration>
				  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
				    <encoder><pattern>%d %level %logger{20} %msg%n</pattern></encoder>
				  </appender>
				  <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
				  <root level="WARN"><appender-ref ref="out"/></root>
				</configuration>
				""";
		try {
			Files.createDirectories(this.dir.resolve("data"));
			Files.write(this.dir.resolve("server.properties"), properties);
			Files.writeString(this.dir.resolve("logback.xml"), logback);
			// in this JVM: a JVM of its own only to write two files costs seconds
			ByteArrayOutputStream output = new ByteArrayOutputStream();
			int exit = StorageTool.execute(new String[] { "format", "-t", Uuid.randomUuid().toString(), "-c",
					this.dir.resolve("server.properties").toString() }, new PrintStream(output, true));
			if (exit != 0) {
				throw new IllegalStateException("Kafka storage format failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.jvm.kill();
	}

	static int freePort() {
		return TcpProxy.freePort();
	}

}
