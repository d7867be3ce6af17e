package io.mqlab.messaging.contract;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The tests' brokers are those of docker-compose.yml, and the switch between containers
 * and the local brokers follows the Docker engine.
 */
class TestBrokersTests {

	private static final Path COMPOSE = Path.of("..", "docker-compose.yml");

	@Test
	void containersUseTheImagesOfTheComposeFile() throws IOException {
		assertThat(TestBrokers.IMAGES).isEqualTo(composeImages());
	}

	@Test
	void theSwitchFollowsTheDockerEngineAndTakesTheLocalBrokersWithoutOne() {
		boolean docker = TestBrokers.dockerAvailable();
		boolean expected = switch (TestBrokers.choice()) {
			case "containers" -> true;
			case "local" -> false;
			default -> docker;
		};
		assertThat(TestBrokers.containers()).isEqualTo(expected);
		if (TestBrokers.containers()) {
			// the containers that run are those of the compose file, and the tests reach
			// them
			Map<String, String> running = Map.of("postgres", TestBrokers.postgresContainer().getDockerImageName(),
					"redis", TestBrokers.redisContainer().getDockerImageName(), "rabbitmq",
					TestBrokers.rabbitContainer().getDockerImageName(), "kafka",
					TestBrokers.kafkaContainer().getDockerImageName(), "opensearch",
					TestBrokers.openSearchContainer().getDockerImageName(), "mariadb",
					TestBrokers.mariadbContainer().getDockerImageName(), "mosquitto",
					TestBrokers.mosquittoContainer().getDockerImageName());
			// OpenSearch Dashboards is a UI for people: no test uses it
			Map<String, String> servers = new LinkedHashMap<>(TestBrokers.IMAGES);
			servers.remove("opensearch-dashboards");
			assertThat(running).isEqualTo(servers);
			assertThat(TestBrokers.postgres().port()).isEqualTo(TestBrokers.postgresContainer().getMappedPort(5432));
			assertThat(TestBrokers.redis().port()).isEqualTo(TestBrokers.redisContainer().getMappedPort(6379));
			assertThat(TestBrokers.opensearch().port())
				.isEqualTo(TestBrokers.openSearchContainer().getMappedPort(9200));
			assertThat(TestBrokers.mariadb().port()).isEqualTo(TestBrokers.mariadbContainer().getMappedPort(3306));
			assertThat(TestBrokers.mosquitto().port()).isEqualTo(TestBrokers.mosquittoContainer().getMappedPort(1883));
			return;
		}
		// the development machines and CI: no engine, the brokers on loopback as always
		assertThat(TestBrokers.postgres()).isEqualTo(new TestBrokers.Broker("127.0.0.1", 5432, "postgres", ""));
		assertThat(TestBrokers.postgres().jdbcUrl()).isEqualTo(LocalBrokers.POSTGRES_URL);
		assertThat(TestBrokers.redis().address()).isEqualTo("127.0.0.1:6379");
		assertThat(TestBrokers.rabbit()).isEqualTo(new TestBrokers.Broker("127.0.0.1", 5672, "guest", "guest"));
		assertThat(TestBrokers.opensearch()).isEqualTo(new TestBrokers.Broker("127.0.0.1", 9200, null, null));
		assertThat(TestBrokers.mariadb()).isEqualTo(new TestBrokers.Broker("127.0.0.1", 3306, "root", ""));
		assertThat(TestBrokers.mosquitto()).isEqualTo(new TestBrokers.Broker("127.0.0.1", 1883, null, null));
		assertThatIllegalStateException().isThrownBy(TestBrokers::openSearchContainer)
			.withMessageContaining("local brokers");
		assertThatIllegalStateException().isThrownBy(TestBrokers::postgresContainer)
			.withMessageContaining("local brokers");
		assertThatIllegalStateException().isThrownBy(TestBrokers::kafkaContainer)
			.withMessageContaining("Docker engine found: " + docker);
	}

	/**
	 * The OpenSearch the tests get, local node or container, is the version of the
	 * compose image, answers over plain HTTP and has no security plugin.
	 */
	@Test
	void openSearchIsTheComposeVersionOverPlainHttp() throws Exception {
		String version = TestBrokers.IMAGES.get("opensearch").replaceAll(".*:", "");
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		String base = "http://" + TestBrokers.opensearch().address();
		HttpResponse<String> root = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(root.statusCode()).as(root.body()).isEqualTo(200);
		assertThat(root.body()).containsPattern("\"number\"\\s*:\\s*\"" + Pattern.quote(version) + "\"");
		HttpResponse<String> plugins = http.send(
				HttpRequest.newBuilder(URI.create(base + "/_cat/plugins?format=json")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(plugins.statusCode()).isEqualTo(200);
		assertThat(plugins.body()).doesNotContain("opensearch-security");
	}

	@Test
	void projectFilesAreFoundFromTheModuleDirectory() {
		assertThat(TestBrokers.projectFile("docker-compose.yml")).isEqualTo(COMPOSE.toAbsolutePath().normalize());
		assertThat(TestBrokers.projectFile("no/such/file")).isNull();
	}

	/**
	 * The image of every compose service that runs one as it is (the brokers; the
	 * services are built from the Dockerfile).
	 */
	@SuppressWarnings("unchecked")
	private static Map<String, String> composeImages() throws IOException {
		assertThat(COMPOSE).exists();
		Map<String, Object> compose;
		try (Reader reader = Files.newBufferedReader(COMPOSE)) {
			compose = new Yaml().load(reader);
		}
		Map<String, String> images = new LinkedHashMap<>();
		((Map<String, Map<String, Object>>) compose.get("services")).forEach((name, service) -> {
			if (service.containsKey("image") && !service.containsKey("build")) {
				images.put(name, (String) service.get("image"));
			}
		});
		assertThat(images).as("brokers in docker-compose.yml").containsKeys("postgres", "kafka", "rabbitmq", "redis");
		return images;
	}

}
