package io.mqlab.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's guards, run for real: {@code scripts/kafka.sh} and
 * {@code scripts/opensearch.sh} never adopt a server they did not start unless told to,
 * {@code ./mqlab up} rejects unknown use cases before doing any work, and a use case
 * whose modules are not in the checkout yet starts nothing. A socket this JVM holds
 * stands in for the foreign server.
 */
class LauncherTests {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	@TempDir
	Path home;

	@Test
	void kafkaRefusesAPortTakenByAProcessItDidNotStartAndNamesIt() throws Exception {
		try (ServerSocket foreign = new ServerSocket(0, 100, InetAddress.getLoopbackAddress())) {
			Run run = kafka(foreign.getLocalPort(), "start");
			assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
			assertThat(run.output()).contains("127.0.0.1:" + foreign.getLocalPort() + " is taken by a process")
				.contains("pid " + ProcessHandle.current().pid() + ": ")
				.contains("kill " + ProcessHandle.current().pid())
				.contains("--external-kafka");
			Run status = kafka(foreign.getLocalPort(), "status");
			assertThat(status.output()).contains("not this checkout's broker").doesNotContain("EXTERNAL");
		}
	}

	@Test
	void anExternalKafkaIsUsedOnlyWhenAskedShownByStatusAndLeftRunning() throws Exception {
		try (ServerSocket foreign = new ServerSocket(0, 100, InetAddress.getLoopbackAddress())) {
			int port = foreign.getLocalPort();
			Run start = kafka(port, "start", "--external");
			assertThat(start.exitCode()).as(start.output()).isZero();
			assertThat(start.output()).contains("using the external broker on 127.0.0.1:" + port);
			assertThat(kafka(port, "status").output()).contains("EXTERNAL broker on 127.0.0.1:" + port)
				.contains("pid " + ProcessHandle.current().pid());
			Run stop = kafka(port, "stop");
			assertThat(stop.exitCode()).as(stop.output()).isZero();
			assertThat(stop.output()).contains("left running");
			assertThat(foreign.isClosed()).isFalse();
			// forgotten on stop: the next start asks again
			assertThat(kafka(port, "start").exitCode()).isEqualTo(1);
		}
	}

	@Test
	void openSearchRefusesAPortTakenByAProcessItDidNotStartAndNamesIt() throws Exception {
		try (ServerSocket foreign = new ServerSocket(0, 100, InetAddress.getLoopbackAddress())) {
			Run run = openSearch(foreign.getLocalPort(), "start");
			assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
			assertThat(run.output()).contains("127.0.0.1:" + foreign.getLocalPort() + " is taken by a process")
				.contains("pid " + ProcessHandle.current().pid() + ": ")
				.contains("kill " + ProcessHandle.current().pid())
				.contains("start --external");
			Run status = openSearch(foreign.getLocalPort(), "status");
			assertThat(status.output()).contains("not this checkout's node").doesNotContain("EXTERNAL");
			// refused before fetching or configuring anything
			assertThat(this.home.resolve("opensearch")).doesNotExist();
		}
	}

	@Test
	void anExternalOpenSearchIsUsedOnlyWhenAskedShownByStatusAndLeftRunning() throws Exception {
		try (ServerSocket foreign = new ServerSocket(0, 100, InetAddress.getLoopbackAddress())) {
			int port = foreign.getLocalPort();
			Run start = openSearch(port, "start", "--external");
			assertThat(start.exitCode()).as(start.output()).isZero();
			assertThat(start.output()).contains("using the external node on 127.0.0.1:" + port);
			assertThat(openSearch(port, "status").output()).contains("EXTERNAL node on 127.0.0.1:" + port)
				.contains("pid " + ProcessHandle.current().pid());
			Run stop = openSearch(port, "stop");
			assertThat(stop.exitCode()).as(stop.output()).isZero();
			assertThat(stop.output()).contains("left running");
			assertThat(foreign.isClosed()).isFalse();
			assertThat(openSearch(port, "start").exitCode()).isEqualTo(1);
		}
	}

	@Test
	void upRejectsAnUnknownUseCaseBeforeDoingAnything() throws Exception {
		Run run = run(List.of("./mqlab", "up", "kafka", "--only", "migration,nonsense"), 0);
		assertThat(run.exitCode()).isEqualTo(2);
		assertThat(run.output()).contains("unknown use case 'nonsense'").contains("migration recommendations cdc logs");
		assertThat(this.home).isEmptyDirectory();
	}

	/**
	 * The use cases name services that other branches are still building: only those
	 * whose module is in the checkout are started, stopped and shown.
	 */
	@Test
	void statusShowsTheServicesOfTheModulesInTheCheckoutAndOpenSearch() throws Exception {
		Map<String, String> services = launcherServices();
		assertThat(services).containsKeys("order-service", "recommendation-service", "catalog-service", "cdc-service",
				"log-service");
		try (ServerSocket foreign = new ServerSocket(0, 100, InetAddress.getLoopbackAddress())) {
			ProcessBuilder builder = builder(List.of("./mqlab", "status"));
			builder.environment().put("OPENSEARCH_PORT", String.valueOf(foreign.getLocalPort()));
			Run status = run(builder);
			assertThat(status.exitCode()).as(status.output()).isZero();
			// the services' lines come before the servers' (whose command lines may name
			// anything)
			String serviceLines = status.output().substring(0, status.output().indexOf("\nkafka: "));
			for (String module : services.keySet()) {
				if (Files.exists(ROOT.resolve(module).resolve("pom.xml"))) {
					assertThat(serviceLines).as(module).containsPattern("(?m)^" + module + " ");
				}
				else {
					assertThat(serviceLines).as(module).doesNotContain(module);
				}
			}
			assertThat(status.output())
				.contains("opensearch: not this checkout's node on 127.0.0.1:" + foreign.getLocalPort());
		}
	}

	/**
	 * What change data capture needs of the machine, ready after setup; a second run
	 * finds everything there and says nothing (./mqlab up and test run it every time).
	 */
	@Test
	void setupReadiesChangeDataCaptureAndIsQuietTheSecondTime() throws Exception {
		Run first = run(List.of("scripts/setup.sh"), 0);
		assertThat(first.exitCode()).as(first.output()).isZero();
		Run second = run(List.of("scripts/setup.sh"), 0);
		assertThat(second.exitCode()).as(second.output()).isZero();
		assertThat(second.output()).isEmpty();
		Run postgres = run(List.of("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc",
				"SELECT current_setting('wal_level'), rolreplication, rolcanlogin,"
						+ " pg_has_role(oid, 'pg_read_all_data', 'MEMBER') FROM pg_roles WHERE rolname = 'mqlab_cdc'"),
				0);
		assertThat(postgres.output().strip()).isEqualTo("logical|t|t|t");
		// a replication connection as that role, as Debezium opens it
		Run replication = run(List.of("psql", "dbname=test replication=database user=mqlab_cdc host=127.0.0.1", "-tAc",
				"IDENTIFY_SYSTEM"), 0);
		assertThat(replication.exitCode()).as(replication.output()).isZero();
		assertThat(replication.output()).contains("|test");
		Run mariadb = run(List.of("mariadb", "-h", "127.0.0.1", "-P", "3306", "-u", "root", "-N", "-e",
				"SELECT CURRENT_USER() LIKE 'root@%'"), 0);
		assertThat(mariadb.output().strip()).as(mariadb.output()).isEqualTo("1");
	}

	/** module → port, from the launcher's use case table. */
	private static Map<String, String> launcherServices() throws IOException {
		String launcher = Files.readString(ROOT.resolve("mqlab"));
		String table = launcher.substring(launcher.indexOf("usecases=("), launcher.indexOf("\n)\n"));
		Matcher matcher = Pattern.compile("([a-z][a-z-]*):(\\d+)").matcher(table);
		Map<String, String> services = new java.util.LinkedHashMap<>();
		while (matcher.find()) {
			services.put(matcher.group(1), matcher.group(2));
		}
		return services;
	}

	private Run kafka(int port, String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of("scripts/kafka.sh"));
		command.addAll(List.of(args));
		return run(command, port);
	}

	private Run openSearch(int port, String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of("scripts/opensearch.sh"));
		command.addAll(List.of(args));
		ProcessBuilder builder = builder(command);
		builder.environment().put("OPENSEARCH_PORT", String.valueOf(port));
		return run(builder);
	}

	private ProcessBuilder builder(List<String> command) {
		ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
		builder.environment().put("MQLAB_HOME", this.home.toString());
		return builder;
	}

	private Run run(List<String> command, int kafkaPort) throws IOException, InterruptedException {
		ProcessBuilder builder = builder(command);
		if (kafkaPort > 0) {
			builder.environment().put("KAFKA_PORT", String.valueOf(kafkaPort));
		}
		return run(builder);
	}

	private Run run(ProcessBuilder builder) throws IOException, InterruptedException {
		Process process = builder.start();
		process.getOutputStream().close();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
		return new Run(process.exitValue(), output);
	}

	private record Run(int exitCode, String output) {
	}

}
