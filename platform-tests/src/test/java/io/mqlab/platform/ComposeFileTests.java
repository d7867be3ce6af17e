package io.mqlab.platform;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.mqlab.messaging.Backend;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No Docker engine runs here, so these checks keep {@code docker-compose.yml} honest
 * against the code: every service module has a compose service on the port it listens on,
 * every environment variable binds to a property the applications read, every backend can
 * be chosen, and nothing is published beyond the host's loopback interface.
 */
class ComposeFileTests {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	/**
	 * Spring Boot maps names the way it maps environment variables only for this source
	 * name.
	 */
	private static final String SYSTEM_ENVIRONMENT = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;

	private static final Set<String> INFRASTRUCTURE = Set.of("postgres", "kafka", "rabbitmq", "redis");

	private final Map<String, Object> compose = load();

	@Test
	void everyServiceModuleHasAComposeServiceOnItsPort() throws IOException {
		List<String> modules = serviceModules();
		assertThat(modules).contains("order-service", "order-service-new", "reconciliation-service",
				"recommendation-service");
		assertThat(services().keySet()).containsAll(modules);
		for (String module : modules) {
			Map<String, Object> service = service(module);
			String port = applicationProperty(module, "server.port");
			assertThat(service.get("ports")).as(module + " ports")
				.asInstanceOf(InstanceOfAssertFactories.LIST)
				.contains("127.0.0.1:" + port + ":" + port);
			assertThat(String.valueOf(environment(module).get("SERVER_PORT"))).as(module).isEqualTo(port);
			assertThat(((Map<?, ?>) ((Map<?, ?>) service.get("build")).get("args")).get("MODULE")).isEqualTo(module);
			Set<Object> dependencies = new HashSet<>(((Map<?, ?>) service.get("depends_on")).keySet());
			assertThat(dependencies).as(module).containsAll(INFRASTRUCTURE);
		}
	}

	/**
	 * The brokers run with default credentials (RabbitMQ guest/guest and its management
	 * UI, PostgreSQL's compose password) and no TLS: only this host may reach them.
	 */
	@Test
	void everyPublishedPortBindsToLoopbackOnly() {
		List<String> published = new ArrayList<>();
		for (Map.Entry<String, Object> service : services().entrySet()) {
			Object ports = ((Map<?, ?>) service.getValue()).get("ports");
			if (ports != null) {
				for (Object port : (List<?>) ports) {
					published.add(service.getKey() + " " + port);
				}
			}
		}
		assertThat(published).as("published ports")
			.anySatisfy((port) -> assertThat(port).startsWith("postgres "))
			.anySatisfy((port) -> assertThat(port).startsWith("rabbitmq "))
			.anySatisfy((port) -> assertThat(port).startsWith("redis "))
			.anySatisfy((port) -> assertThat(port).startsWith("kafka "))
			.anySatisfy((port) -> assertThat(port).startsWith("opensearch "))
			.anySatisfy((port) -> assertThat(port).startsWith("opensearch-dashboards "))
			.anySatisfy((port) -> assertThat(port).startsWith("mariadb "))
			.anySatisfy((port) -> assertThat(port).startsWith("mosquitto "))
			.allSatisfy((port) -> assertThat(port).matches("[a-z-]+ 127\\.0\\.0\\.1:\\d+:\\d+"));
		assertThat((String) environment("kafka").get("KAFKA_ADVERTISED_LISTENERS"))
			.as("the address clients on the host are sent to")
			.contains("EXTERNAL://127.0.0.1:29092");
	}

	@Test
	void everyEnvironmentVariableBindsToAPropertyTheApplicationsRead() throws IOException {
		Set<ConfigurationPropertyName> known = knownProperties();
		for (String module : serviceModules()) {
			Set<ConfigurationPropertyName> readByModule = new HashSet<>(known);
			readByModule.addAll(yamlProperties(module));
			Map<String, Object> environment = environment(module);
			IterableConfigurationPropertySource source = (IterableConfigurationPropertySource) ConfigurationPropertySource
				.from(new SystemEnvironmentPropertySource(SYSTEM_ENVIRONMENT, environment));
			List<String> unknown = new ArrayList<>();
			for (String variable : environment.keySet()) {
				IterableConfigurationPropertySource single = (IterableConfigurationPropertySource) ConfigurationPropertySource
					.from(new SystemEnvironmentPropertySource(SYSTEM_ENVIRONMENT, Map.of(variable, "x")));
				boolean bound = single.stream().anyMatch(readByModule::contains);
				if (!bound) {
					unknown.add(variable);
				}
			}
			assertThat(source.stream()).isNotEmpty();
			assertThat(unknown).as(module + ": variables that bind to no property").isEmpty();
		}
	}

	@Test
	void everyBackendCanBeChosenWithOneVariable() throws IOException {
		String raw = Files.readString(ROOT.resolve("docker-compose.yml"));
		assertThat(raw).contains("SPRING_PROFILES_ACTIVE: ${MQLAB_BACKEND:-kafka}");
		Set<String> backends = new HashSet<>();
		for (Backend backend : Backend.values()) {
			backends.add(backend.id());
		}
		assertThat(backends).containsExactlyInAnyOrder("kafka", "rabbitmq", "redis", "postgres");
		for (String module : serviceModules()) {
			Map<String, Object> environment = environment(module);
			assertThat(environment.get("SPRING_PROFILES_ACTIVE")).isEqualTo("${MQLAB_BACKEND:-kafka}");
			assertThat(environment.get("SPRING_KAFKA_BOOTSTRAPSERVERS")).isEqualTo("kafka:9092");
			assertThat((String) environment("kafka").get("KAFKA_ADVERTISED_LISTENERS"))
				.contains("PLAINTEXT://kafka:9092");
			assertThat(environment.get("SPRING_RABBITMQ_HOST")).isEqualTo("rabbitmq");
			assertThat(containerPort("rabbitmq")).isEqualTo("5672");
			assertThat(environment.get("SPRING_DATA_REDIS_HOST")).isEqualTo("redis");
			assertThat(containerPort("redis")).isEqualTo("6379");
			assertThat((String) environment.get("MQLAB_MESSAGING_POSTGRES_URL"))
				.isEqualTo("jdbc:postgresql://postgres:5432/mqlab");
			assertThat(Files.readString(ROOT.resolve("infra/postgres/init.sql"))).contains("CREATE DATABASE mqlab;");
			if (!hasApplicationProperty(module, "spring.datasource.url")) {
				// a service without a database of its own (recommendation-service keeps
				// its state in Redis)
				assertThat(environment).as(module).doesNotContainKey("SPRING_DATASOURCE_URL");
				continue;
			}
			String database = ((String) environment.get("SPRING_DATASOURCE_URL")).replaceAll(".*/", "");
			assertThat(Files.readString(ROOT.resolve("infra/postgres/init.sql")))
				.contains("CREATE DATABASE " + database + ";");
			assertThat(applicationProperty(module, "spring.datasource.url")).endsWith("/" + database);
		}
	}

	/**
	 * OpenSearch, MariaDB, Mosquitto and PostgreSQL's logical decoding as the machines
	 * without Docker have them ({@code scripts/opensearch.sh}, {@code scripts/setup.sh},
	 * {@code scripts/services.sh}): the same version, ports and access.
	 */
	@Test
	void theSearchReplicaAndMqttServersAreThoseOfTheMachinesWithoutDocker() throws IOException {
		String pom = Files.readString(ROOT.resolve("infra/opensearch/pom.xml"));
		Matcher version = Pattern.compile("<opensearch.version>([^<]+)</opensearch.version>").matcher(pom);
		assertThat(version.find()).as("the version scripts/opensearch.sh runs").isTrue();
		assertThat(service("opensearch").get("image")).isEqualTo("opensearchproject/opensearch:" + version.group(1));
		assertThat(environment("opensearch")).containsEntry("discovery.type", "single-node")
			.containsEntry("DISABLE_SECURITY_PLUGIN", "true")
			.containsEntry("DISABLE_INSTALL_DEMO_CONFIG", "true");
		assertThat(service("opensearch").get("ports")).asInstanceOf(InstanceOfAssertFactories.LIST)
			.containsExactly("127.0.0.1:9200:9200");
		assertThat(Files.readString(ROOT.resolve("scripts/opensearch.sh"))).contains("OPENSEARCH_PORT:-9200");

		assertThat(service("opensearch-dashboards").get("image"))
			.isEqualTo("opensearchproject/opensearch-dashboards:" + version.group(1));
		assertThat((String) environment("opensearch-dashboards").get("OPENSEARCH_HOSTS"))
			.contains("http://opensearch:9200");
		assertThat(environment("opensearch-dashboards")).containsEntry("DISABLE_SECURITY_DASHBOARDS_PLUGIN", "true");
		assertThat(service("opensearch-dashboards").get("depends_on")).asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsOnlyKeys("opensearch");

		assertThat(service("mariadb").get("image")).isEqualTo("mariadb:10.11");
		assertThat(environment("mariadb")).containsEntry("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "1");
		assertThat(service("mariadb").get("ports")).asInstanceOf(InstanceOfAssertFactories.LIST)
			.containsExactly("127.0.0.1:3306:3306");

		assertThat(service("postgres").get("command")).asInstanceOf(InstanceOfAssertFactories.LIST)
			.containsSubsequence("-c", "wal_level=logical");

		assertThat(service("mosquitto").get("image")).isEqualTo("eclipse-mosquitto:2.0");
		assertThat(service("mosquitto").get("ports")).asInstanceOf(InstanceOfAssertFactories.LIST)
			.containsExactly("127.0.0.1:1883:1883");
		assertThat(service("mosquitto").get("volumes")).asInstanceOf(InstanceOfAssertFactories.LIST)
			.contains("./infra/mosquitto/mosquitto.conf:/mosquitto/config/mosquitto.conf:ro");
	}

	@Test
	void dockerComposeAcceptsTheFileForEveryBackend() throws Exception {
		for (String backend : new String[] { "kafka", "rabbitmq", "redis", "postgres" }) {
			ProcessBuilder builder = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "config", "-q")
				.directory(ROOT.toFile())
				.redirectErrorStream(true);
			builder.environment().put("MQLAB_BACKEND", backend);
			Process process;
			try {
				process = builder.start();
			}
			catch (IOException ex) {
				throw new IllegalStateException(
						"docker-compose is needed to parse the compose file: ./mqlab setup installs it (apt-get install docker-compose)",
						ex);
			}
			String output = new String(process.getInputStream().readAllBytes());
			assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
			assertThat(process.exitValue()).as(output).isZero();
		}
	}

	@Test
	void theLauncherStartsTheSameServicesOnTheSamePorts() throws IOException {
		String launcher = Files.readString(ROOT.resolve("mqlab"));
		for (String module : serviceModules()) {
			assertThat(launcher).contains(module + ":" + applicationProperty(module, "server.port"));
		}
	}

	// ---- reading the project

	static List<String> serviceModules() throws IOException {
		String pom = Files.readString(ROOT.resolve("pom.xml"));
		Matcher matcher = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
		List<String> modules = new ArrayList<>();
		while (matcher.find()) {
			String module = matcher.group(1);
			if (Files.exists(ROOT.resolve(module).resolve("src/main/resources/" + module + ".yml"))) {
				modules.add(module);
			}
		}
		return modules;
	}

	private static boolean hasApplicationProperty(String module, String name) throws IOException {
		return yaml(module).stream().anyMatch((source) -> source.getProperty(name) != null);
	}

	private static String applicationProperty(String module, String name) throws IOException {
		for (PropertySource<?> source : yaml(module)) {
			Object value = source.getProperty(name);
			if (value != null) {
				return value.toString();
			}
		}
		throw new IllegalStateException(module + ".yml has no " + name);
	}

	private static Set<ConfigurationPropertyName> yamlProperties(String module) throws IOException {
		Set<ConfigurationPropertyName> names = new HashSet<>();
		for (PropertySource<?> source : yaml(module)) {
			((IterableConfigurationPropertySource) ConfigurationPropertySource.from(source)).stream()
				.forEach(names::add);
		}
		return names;
	}

	private static List<PropertySource<?>> yaml(String module) throws IOException {
		Path file = ROOT.resolve(module).resolve("src/main/resources/" + module + ".yml");
		return new YamlPropertySourceLoader().load(module, new FileSystemResource(file));
	}

	/** Every property in the configuration metadata of the jars the services run with. */
	private static Set<ConfigurationPropertyName> knownProperties() throws IOException {
		Set<ConfigurationPropertyName> names = new HashSet<>();
		PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
		List<Resource> resources = new ArrayList<>();
		resources.addAll(List.of(resolver.getResources("classpath*:META-INF/spring-configuration-metadata.json")));
		resources.addAll(
				List.of(resolver.getResources("classpath*:META-INF/additional-spring-configuration-metadata.json")));
		for (Resource resource : resources) {
			try (InputStream in = resource.getInputStream()) {
				JsonNode properties = JsonMapper.shared().readTree(in).get("properties");
				if (properties != null) {
					properties.valueStream()
						.map((property) -> property.get("name").asString())
						.filter(ConfigurationPropertyName::isValid)
						.map(ConfigurationPropertyName::of)
						.forEach(names::add);
				}
			}
		}
		assertThat(names).as("configuration metadata on the classpath")
			.contains(ConfigurationPropertyName.of("mqlab.messaging.backend"),
					ConfigurationPropertyName.of("spring.kafka.bootstrap-servers"));
		return names;
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> services() {
		return (Map<String, Object>) this.compose.get("services");
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> service(String name) {
		return (Map<String, Object>) services().get(name);
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> environment(String name) {
		return (Map<String, Object>) service(name).get("environment");
	}

	private String containerPort(String name) {
		List<?> ports = (List<?>) service(name).get("ports");
		return ports.get(0).toString().replaceAll(".*:", "");
	}

	private static Map<String, Object> load() {
		try (Stream<String> lines = Files.lines(ROOT.resolve("docker-compose.yml"))) {
			return new Yaml().load(String.join("\n", lines.toList()));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
