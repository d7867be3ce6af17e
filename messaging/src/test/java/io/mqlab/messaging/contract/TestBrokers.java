package io.mqlab.messaging.contract;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;
import org.testcontainers.utility.MountableFile;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Where each broker is for this test run: the one place tests ask. On a machine with a
 * Docker engine, a container per broker with the image of {@code docker-compose.yml},
 * started on first use and shared by every test class of the JVM (Testcontainers removes
 * it when the JVM ends); without one (the development machines and CI), the
 * {@link LocalBrokers} on loopback, as the tests always used. Kafka has no local broker:
 * without Docker the tests run an in-JVM one ({@code ProxiedKafkaBroker}).
 * <p>
 * The choice is automatic; {@code -Dmqlab.test.brokers=local|containers} (or the
 * environment variable {@code MQLAB_TEST_BROKERS}) forces it.
 */
public final class TestBrokers {

	/** The images of docker-compose.yml, by compose service (TestBrokersTests checks). */
	public static final Map<String, String> IMAGES = Map.of("postgres", "postgres:15", "kafka", "apache/kafka:4.2.1",
			"rabbitmq", "rabbitmq:3.13-management", "redis", "redis:7", "opensearch",
			"opensearchproject/opensearch:2.19.6", "opensearch-dashboards",
			"opensearchproject/opensearch-dashboards:2.19.6", "mariadb", "mariadb:10.11", "mosquitto",
			"eclipse-mosquitto:2.0");

	public static final String CHOICE_PROPERTY = "mqlab.test.brokers";

	/** The database every test uses, on both paths. */
	public static final String DATABASE = "test";

	private static final Logger logger = LoggerFactory.getLogger(TestBrokers.class);

	private static final boolean CONTAINERS = decide();

	private TestBrokers() {
	}

	/** Whether this run's brokers are containers (true) or the local ones. */
	public static boolean containers() {
		return CONTAINERS;
	}

	/** PostgreSQL, database {@value #DATABASE}, with the credentials to use. */
	public static Broker postgres() {
		if (!CONTAINERS) {
			LocalBrokers.requirePostgres();
			return new Broker(LocalBrokers.HOST, LocalBrokers.POSTGRES_PORT, "postgres", "");
		}
		PostgreSQLContainer container = postgresContainer();
		return new Broker(container.getHost(), container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT),
				container.getUsername(), container.getPassword());
	}

	public static Broker redis() {
		if (!CONTAINERS) {
			LocalBrokers.requireRedis();
			return new Broker(LocalBrokers.HOST, LocalBrokers.REDIS_PORT, null, null);
		}
		GenericContainer<?> container = redisContainer();
		return new Broker(container.getHost(), container.getMappedPort(RedisContainer.PORT), null, null);
	}

	public static Broker rabbit() {
		if (!CONTAINERS) {
			LocalBrokers.requireRabbit();
			return new Broker(LocalBrokers.HOST, LocalBrokers.RABBITMQ_PORT, "guest", "guest");
		}
		RabbitMQContainer container = rabbitContainer();
		return new Broker(container.getHost(), container.getAmqpPort(), container.getAdminUsername(),
				container.getAdminPassword());
	}

	/**
	 * OpenSearch over plain HTTP without credentials:
	 * {@code http://}{@link Broker#address()}. Shared with other test runs: name indices
	 * after the run and delete them afterwards.
	 */
	public static Broker opensearch() {
		if (!CONTAINERS) {
			LocalBrokers.requireOpenSearch();
			return new Broker(LocalBrokers.HOST, LocalBrokers.OPENSEARCH_PORT, null, null);
		}
		GenericContainer<?> container = openSearchContainer();
		return new Broker(container.getHost(), container.getMappedPort(OpenSearch.PORT), null, null);
	}

	/** MariaDB as root without a password (create a database of your own and drop it). */
	public static Broker mariadb() {
		if (!CONTAINERS) {
			LocalBrokers.requireMariaDb();
			return new Broker(LocalBrokers.HOST, LocalBrokers.MARIADB_PORT, "root", "");
		}
		GenericContainer<?> container = mariadbContainer();
		return new Broker(container.getHost(), container.getMappedPort(MariaDb.PORT), "root", "");
	}

	/**
	 * Mosquitto (MQTT 3.1.1 and 5), anonymous: {@code tcp://}{@link Broker#address()}.
	 */
	public static Broker mosquitto() {
		if (!CONTAINERS) {
			LocalBrokers.requireMosquitto();
			return new Broker(LocalBrokers.HOST, LocalBrokers.MOSQUITTO_PORT, null, null);
		}
		GenericContainer<?> container = mosquittoContainer();
		return new Broker(container.getHost(), container.getMappedPort(Mosquitto.PORT), null, null);
	}

	/**
	 * The Kafka container (containers only). Besides its own listener it has a second
	 * one, advertised as {@code 127.0.0.1:}{@link #kafkaProxyPort()}, for a proxy in
	 * front of {@link #kafkaProxiedPort()}: see {@code ProxiedKafkaBroker}.
	 */
	public static KafkaContainer kafkaContainer() {
		requireContainers();
		return Kafka.CONTAINER;
	}

	/** The port, on this machine, of the Kafka container's proxied listener. */
	public static int kafkaProxiedPort() {
		return kafkaContainer().getMappedPort(Kafka.PROXIED_PORT);
	}

	/** The port the Kafka container advertises its proxied listener on. */
	public static int kafkaProxyPort() {
		// the container first: the port is free until a proxy binds it
		kafkaContainer();
		return Kafka.PROXY_PORT;
	}

	/** For {@code @ServiceConnection} beans and checks; containers only. */
	public static PostgreSQLContainer postgresContainer() {
		requireContainers();
		return Postgres.CONTAINER;
	}

	public static GenericContainer<?> redisContainer() {
		requireContainers();
		return Redis.CONTAINER;
	}

	public static RabbitMQContainer rabbitContainer() {
		requireContainers();
		return Rabbit.CONTAINER;
	}

	public static GenericContainer<?> openSearchContainer() {
		requireContainers();
		return OpenSearch.CONTAINER;
	}

	public static GenericContainer<?> mariadbContainer() {
		requireContainers();
		return MariaDb.CONTAINER;
	}

	public static GenericContainer<?> mosquittoContainer() {
		requireContainers();
		return Mosquitto.CONTAINER;
	}

	private static void requireContainers() {
		if (!CONTAINERS) {
			throw new IllegalStateException("This run uses the local brokers, not containers (" + CHOICE_PROPERTY + "="
					+ choice() + ", Docker engine found: " + dockerAvailable() + ")");
		}
	}

	private static boolean decide() {
		String choice = choice();
		boolean containers = switch (choice) {
			case "containers" -> true;
			case "local" -> false;
			case "auto" -> dockerAvailable();
			default -> throw new IllegalStateException(
					CHOICE_PROPERTY + " must be auto, local or containers, not '" + choice + "'");
		};
		logger.info(containers ? "Test brokers: containers with the images of docker-compose.yml ({}={})"
				: "Test brokers: the local ones on loopback ({}={})", CHOICE_PROPERTY, choice);
		return containers;
	}

	static String choice() {
		String choice = System.getProperty(CHOICE_PROPERTY);
		if (choice == null || choice.isBlank()) {
			choice = System.getenv("MQLAB_TEST_BROKERS");
		}
		return (choice == null || choice.isBlank()) ? "auto" : choice.strip().toLowerCase(Locale.ROOT);
	}

	static boolean dockerAvailable() {
		return DockerClientFactory.instance().isDockerAvailable();
	}

	/**
	 * Points a service's DataSource and its PostgreSQL queue at the test database, with
	 * this schema as the current one, and creates the schema.
	 */
	public static void postgresSchema(DynamicPropertyRegistry registry, String schema) {
		Broker postgres = createPostgresSchema(schema);
		for (String prefix : new String[] { "spring.datasource.", "mqlab.messaging.postgres." }) {
			registry.add(prefix + "url", () -> postgres.jdbcUrl(schema));
			registry.add(prefix + "username", postgres::username);
			registry.add(prefix + "password", postgres::password);
		}
	}

	/** Creates the schema in the test database unless it exists; returns the database. */
	public static Broker createPostgresSchema(String schema) {
		Broker postgres = postgres();
		try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(),
				postgres.password())) {
			connection.createStatement().execute("CREATE SCHEMA IF NOT EXISTS " + schema);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot create schema " + schema, ex);
		}
		return postgres;
	}

	/**
	 * Where a broker is and how to log in ({@code null} credentials: none).
	 */
	public record Broker(String host, int port, String username, String password) {

		public String address() {
			return this.host + ":" + this.port;
		}

		/** The test database, for PostgreSQL. */
		public String jdbcUrl() {
			return "jdbc:postgresql://" + address() + "/" + DATABASE;
		}

		/** The test database with this schema as the current one. */
		public String jdbcUrl(String schema) {
			return jdbcUrl() + "?currentSchema=" + schema;
		}

		/** The test database through a proxy on loopback at this port. */
		public String jdbcUrlVia(int proxyPort) {
			return "jdbc:postgresql://" + LocalBrokers.HOST + ":" + proxyPort + "/" + DATABASE;
		}

	}

	// Each container ignores stop(): a Spring context that closes (its @ServiceConnection
	// bean is closed with it) must not take it from the run's other tests. The
	// Testcontainers reaper removes it when the JVM ends.

	private static PostgreSQLContainer postgresDefinition() {
		return new PostgreSQLContainer(IMAGES.get("postgres")) {

			@Override
			public void stop() {
			}

		}.withDatabaseName(DATABASE)
			.withUsername("postgres")
			.withPassword("mqlab")
			// trusts logins as the local cluster does: the bench connects without a
			// password
			.withEnv("POSTGRES_HOST_AUTH_METHOD", "trust");
	}

	private static GenericContainer<?> redisDefinition() {
		return new RedisContainer().withExposedPorts(RedisContainer.PORT);
	}

	private static RabbitMQContainer rabbitDefinition() {
		return new RabbitMQContainer(IMAGES.get("rabbitmq")) {

			@Override
			public void stop() {
			}

		};
	}

	/**
	 * Kafka with a second listener, {@value Kafka#PROXIED_PORT} inside, advertised on
	 * loopback at the proxy port.
	 */
	private static KafkaContainer kafkaDefinition(int proxyPort) {
		return new KafkaContainer(IMAGES.get("kafka")) {

			@Override
			public void stop() {
			}

		}.withListener("0.0.0.0:" + Kafka.PROXIED_PORT, () -> LocalBrokers.HOST + ":" + proxyPort)
			.withExposedPorts(9092, Kafka.PROXIED_PORT)
			// as the in-JVM broker: the adapter creates topics, with its partitions
			.withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
			.withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
			.withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1");
	}

	/** As docker-compose.yml runs it: one node, no security plugin, a small heap. */
	private static GenericContainer<?> openSearchDefinition() {
		return new Shared(IMAGES.get("opensearch")).withExposedPorts(OpenSearch.PORT)
			.withEnv("discovery.type", "single-node")
			.withEnv("DISABLE_SECURITY_PLUGIN", "true")
			.withEnv("DISABLE_INSTALL_DEMO_CONFIG", "true")
			.withEnv("OPENSEARCH_JAVA_OPTS", "-Xms512m -Xmx512m")
			.withEnv("cluster.routing.allocation.disk.threshold_enabled", "false")
			.waitingFor(Wait.forHttp("/_cluster/health?wait_for_status=yellow&timeout=5s")
				.forPort(OpenSearch.PORT)
				.forStatusCode(200)
				.withStartupTimeout(Duration.ofMinutes(3)));
	}

	private static GenericContainer<?> mariadbDefinition() {
		return new Shared(IMAGES.get("mariadb")).withExposedPorts(MariaDb.PORT)
			.withEnv("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "1")
			// the entrypoint's temporary server says it first, the real one second
			.waitingFor(Wait.forLogMessage(".*(mariadbd|mysqld): ready for connections.*", 2)
				.withStartupTimeout(Duration.ofMinutes(2)));
	}

	/**
	 * With the project's settings (infra/mosquitto/mosquitto.conf, as docker-compose.yml
	 * mounts them), or the image's anonymous listener where the checkout has none.
	 */
	private static GenericContainer<?> mosquittoDefinition() {
		GenericContainer<?> container = new Shared(IMAGES.get("mosquitto")).withExposedPorts(Mosquitto.PORT)
			.waitingFor(Wait.forListeningPort());
		Path settings = projectFile("infra/mosquitto/mosquitto.conf");
		if (settings != null) {
			return container.withCopyFileToContainer(MountableFile.forHostPath(settings),
					"/mosquitto/config/mosquitto.conf");
		}
		return container.withCommand("mosquitto", "-c", "/mosquitto-no-auth.conf");
	}

	/**
	 * A file of the checkout, found from the module the tests run in; null when absent.
	 */
	static Path projectFile(String relative) {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.exists(dir.resolve("docker-compose.yml"))) {
				Path file = dir.resolve(relative);
				return Files.exists(file) ? file : null;
			}
		}
		return null;
	}

	/** A container that ignores stop() (see above). */
	private static final class Shared extends GenericContainer<Shared> {

		Shared(String image) {
			super(image);
		}

		@Override
		public void stop() {
		}

	}

	private static final class RedisContainer extends GenericContainer<RedisContainer> {

		static final int PORT = 6379;

		RedisContainer() {
			super(IMAGES.get("redis"));
		}

		@Override
		public void stop() {
		}

	}

	// One holder per broker: a container starts when its holder is first used (class
	// initialisation is lazy and thread-safe), and only the brokers a run asks for start.

	private static final class Postgres {

		static final PostgreSQLContainer CONTAINER = start(postgresDefinition());

	}

	private static final class Redis {

		static final GenericContainer<?> CONTAINER = start(redisDefinition());

	}

	private static final class Rabbit {

		static final RabbitMQContainer CONTAINER = start(rabbitDefinition());

	}

	private static final class OpenSearch {

		static final int PORT = 9200;

		static final GenericContainer<?> CONTAINER = start(openSearchDefinition());

	}

	private static final class MariaDb {

		static final int PORT = 3306;

		static final GenericContainer<?> CONTAINER = start(mariadbDefinition());

	}

	private static final class Mosquitto {

		static final int PORT = 1883;

		static final GenericContainer<?> CONTAINER = start(mosquittoDefinition());

	}

	private static final class Kafka {

		/** The proxied listener inside the container. */
		static final int PROXIED_PORT = 19094;

		/** Where the proxied listener is advertised: a proxy's port on loopback. */
		static final int PROXY_PORT = freePort();

		static final KafkaContainer CONTAINER = start(kafkaDefinition(PROXY_PORT));

	}

	private static <C extends GenericContainer<?>> C start(C container) {
		logger.info("Starting {} for the tests", container.getDockerImageName());
		container.start();
		return container;
	}

	static int freePort() {
		return TcpProxy.freePort();
	}

}
