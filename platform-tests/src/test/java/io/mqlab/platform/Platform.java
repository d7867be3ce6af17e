package io.mqlab.platform;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mqlab.messaging.contract.TestBrokers;
import io.mqlab.order.OrderServiceApplication;
import io.mqlab.ordernew.OrderServiceNewApplication;
import io.mqlab.reconciliation.ReconciliationServiceApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The three migration services started in this JVM as they run in production: separate
 * application contexts, each with its own database schema, on random ports, talking only
 * through the broker. Topics and schemas are unique per run, so runs never see each
 * other's data.
 */
final class Platform implements AutoCloseable {

	final String run = "e2e" + UUID.randomUUID().toString().substring(0, 8);

	final String orderTopic = "ORDER-" + this.run;

	final String newOrderTopic = "ORDERNEW-" + this.run;

	final String requestsTopic = "order.requests-" + this.run;

	final String paymentTimeoutTopic = "order.payment-timeouts-" + this.run;

	final String cancelledTopic = "order.cancelled-" + this.run;

	/** A test's own group on {@link #cancelledTopic}. */
	static final String CANCELLED_WATCHER = "e2e-watcher";

	private final String backend;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final List<String> schemas = new ArrayList<>();

	Platform(String backend) {
		TestBrokers.postgres();
		this.backend = backend;
	}

	ConfigurableApplicationContext orderService(Map<String, String> broker) {
		return orderService(broker, Map.of());
	}

	/**
	 * The legacy service with more (or other) properties, e.g. a short payment timeout.
	 */
	ConfigurableApplicationContext orderService(Map<String, String> broker, Map<String, String> properties) {
		Map<String, String> args = common("legacy", broker);
		args.put("mqlab.orders.topics.placed", this.orderTopic);
		args.put("mqlab.orders.topics.requests", this.requestsTopic);
		args.put("mqlab.orders.topics.payment-timeouts", this.paymentTimeoutTopic);
		args.put("mqlab.orders.topics.cancelled", this.cancelledTopic);
		args.put("mqlab.messaging.outbox.poll-interval", "200ms");
		args.putAll(properties);
		return start(OrderServiceApplication.builder(), args);
	}

	ConfigurableApplicationContext orderServiceNew(Map<String, String> broker) {
		Map<String, String> args = common("rewrite", broker);
		args.put("mqlab.orders.topics.requests", this.requestsTopic);
		args.put("mqlab.orders.topics.placed", this.newOrderTopic);
		args.put("mqlab.messaging.outbox.poll-interval", "200ms");
		return start(OrderServiceNewApplication.builder(), args);
	}

	ConfigurableApplicationContext reconciliationService(Map<String, String> broker) {
		Map<String, String> args = common("recon", broker);
		args.put("mqlab.reconciliation.legacy-topic", this.orderTopic);
		args.put("mqlab.reconciliation.new-topic", this.newOrderTopic);
		args.put("mqlab.reconciliation.grace-period", "3s");
		args.put("mqlab.reconciliation.sweep-interval", "300ms");
		return start(ReconciliationServiceApplication.builder(), args);
	}

	static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/** Every topic and the consumer groups that read it. */
	Map<String, List<String>> topicsAndGroups() {
		return Map.of(this.orderTopic, List.of("reconciliation"), this.newOrderTopic, List.of("reconciliation"),
				this.requestsTopic, List.of("order-service-new"), this.paymentTimeoutTopic, List.of("order-service"),
				this.cancelledTopic, List.of(CANCELLED_WATCHER));
	}

	String schema(String name) {
		return this.run + "_" + name;
	}

	private Map<String, String> common(String schemaName, Map<String, String> broker) {
		String schema = createSchema(schemaName);
		String queueSchema = createSchema("queue");
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", this.backend);
		args.put("server.port", "0");
		args.put("spring.main.banner-mode", "off");
		TestBrokers.Broker postgres = TestBrokers.postgres();
		args.put("spring.datasource.url", postgres.jdbcUrl(schema));
		args.put("spring.datasource.username", postgres.username());
		args.put("spring.datasource.password", postgres.password());
		args.put("mqlab.messaging.postgres.url", postgres.jdbcUrl(queueSchema));
		args.put("mqlab.messaging.postgres.username", postgres.username());
		args.put("mqlab.messaging.postgres.password", postgres.password());
		args.put("mqlab.messaging.visibility-timeout", "5s");
		args.putAll(broker);
		return args;
	}

	/** The shared queue schema, reached on the given port (a proxy's, to cut it off). */
	String queueUrl(int port) {
		return TestBrokers.postgres().jdbcUrlVia(port) + "?currentSchema=" + createSchema("queue");
	}

	private synchronized String createSchema(String name) {
		String schema = schema(name);
		if (!this.schemas.contains(schema)) {
			execute("CREATE SCHEMA IF NOT EXISTS " + schema);
			this.schemas.add(schema);
		}
		return schema;
	}

	private ConfigurableApplicationContext start(SpringApplicationBuilder builder, Map<String, String> args) {
		String[] commandLine = args.entrySet()
			.stream()
			.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
		ConfigurableApplicationContext context = builder.run(commandLine);
		this.contexts.add(context);
		return context;
	}

	static void execute(String sql) {
		TestBrokers.Broker postgres = TestBrokers.postgres();
		try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(),
				postgres.password())) {
			connection.createStatement().execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql, ex);
		}
	}

	@Override
	public void close() {
		for (int i = this.contexts.size() - 1; i >= 0; i--) {
			this.contexts.get(i).close();
		}
		for (String schema : this.schemas) {
			execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
		}
	}

}
