package io.mqlab.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A service in a JVM of its own, started from the test class path, for the tests that
 * kill it with SIGKILL mid-stream (a graceful stop proves little). It starts for a fast
 * start rather than peak speed, on a free port, and writes its output to
 * {@code target/<name>.log}. Shared with the services' tests through service-support's
 * test jar.
 */
public final class ServiceJvm implements AutoCloseable {

	private final Process process;

	private final int port;

	private final Path log;

	private ServiceJvm(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/**
	 * Starts {@code application}'s main class with these properties (as command-line
	 * arguments) and a free {@code server.port}.
	 */
	public static ServiceJvm start(Class<?> application, String name, Map<String, String> properties)
			throws IOException {
		int port = freePort();
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx384m");
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-XX:+UseSerialGC");
		command.add("-cp");
		command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
		command.add(application.getName());
		Map<String, String> args = new LinkedHashMap<>(properties);
		args.put("server.port", Integer.toString(port));
		args.forEach((key, value) -> command.add("--" + key + "=" + value));
		Path log = Path.of("target", name + ".log");
		Files.createDirectories(log.getParent());
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		return new ServiceJvm(process, port, log);
	}

	public Process process() {
		return this.process;
	}

	public Http http() {
		return new Http(this.port);
	}

	/** Waits until its health endpoint answers 200; fails at once if the JVM exited. */
	public ServiceJvm awaitHealthy(Duration atMost) {
		Http http = http();
		await().atMost(atMost)
			.pollInterval(Duration.ofMillis(500))
			.failFast(this.log + " shows why the JVM exited", () -> !this.process.isAlive())
			.ignoreExceptions()
			.until(() -> http.get("/actuator/health").status() == 200);
		return this;
	}

	/**
	 * SIGKILL: no shutdown hook, no graceful stop, whatever it held unacknowledged stays
	 * so; returns once the process is gone.
	 */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly();
		if (!this.process.waitFor(30, TimeUnit.SECONDS) || this.process.exitValue() != 137) {
			throw new IllegalStateException("Not killed by SIGKILL: " + this.process + ", see " + this.log);
		}
	}

	@Override
	public void close() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
