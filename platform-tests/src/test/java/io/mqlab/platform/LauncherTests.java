package io.mqlab.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's guards, run for real: {@code scripts/kafka.sh} never adopts a broker it
 * did not start unless told to, and {@code ./mqlab up} rejects unknown use cases before
 * doing any work. A socket this JVM holds stands in for the foreign broker.
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
	void upRejectsAnUnknownUseCaseBeforeDoingAnything() throws Exception {
		Run run = run(List.of("./mqlab", "up", "kafka", "--only", "migration,nonsense"), 0);
		assertThat(run.exitCode()).isEqualTo(2);
		assertThat(run.output()).contains("unknown use case 'nonsense'").contains("migration recommendations");
		assertThat(this.home).isEmptyDirectory();
	}

	private Run kafka(int port, String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of("scripts/kafka.sh"));
		command.addAll(List.of(args));
		return run(command, port);
	}

	private Run run(List<String> command, int kafkaPort) throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
		builder.environment().put("MQLAB_HOME", this.home.toString());
		if (kafkaPort > 0) {
			builder.environment().put("KAFKA_PORT", String.valueOf(kafkaPort));
		}
		Process process = builder.start();
		process.getOutputStream().close();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
		return new Run(process.exitValue(), output);
	}

	private record Run(int exitCode, String output) {
	}

}
