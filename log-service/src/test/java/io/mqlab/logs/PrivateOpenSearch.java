package io.mqlab.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.mqlab.messaging.contract.TcpProxy;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

import static org.awaitility.Awaitility.await;

/**
 * An OpenSearch node of a test's own, for tests that stop it: the machine's node on 9200
 * is shared and never stopped. It runs the distribution {@code scripts/opensearch.sh}
 * installs ({@code <repo>/.mqlab/opensearch/dist}, fetched the script's way if missing,
 * or {@code -Dmqlab.test.opensearch.dist=<folder>}), on free loopback ports below the
 * ephemeral range, with a data folder of its own that a restart keeps. As root it runs as
 * the script's system user (OpenSearch refuses root).
 * <p>
 * Nothing outlives the test JVM: {@link #close()} (in a finally), a shutdown hook, and
 * for a test JVM killed hard the kernel's parent-death signal
 * ({@code setpriv --pdeathsig}), set on a launcher thread that lives as long as the JVM
 * (the signal follows the thread that started the process).
 */
final class PrivateOpenSearch implements AutoCloseable {

	static final String USER = "mqlab-opensearch";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

	private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

	private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "private-opensearch-launcher");
		thread.setDaemon(true);
		return thread;
	});

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> RUNNING.forEach(PrivateOpenSearch::killTree), "opensearch-reaper"));
	}

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final Path distribution;

	private final Path dir;

	private final int httpPort;

	private Process process;

	private int starts;

	private PrivateOpenSearch(Path distribution, Path dir, int httpPort) {
		this.distribution = distribution;
		this.dir = dir;
		this.httpPort = httpPort;
	}

	/** A new node with empty data, not started yet. */
	static PrivateOpenSearch create(String name) throws IOException {
		Path distribution = distribution();
		Path dir = Files.createTempDirectory("opensearch-" + name + "-");
		int httpPort = TcpProxy.freePort();
		int transportPort = TcpProxy.freePort();
		try {
			configure(distribution, dir, name, httpPort, transportPort);
		}
		catch (IOException | RuntimeException ex) {
			new PrivateOpenSearch(distribution, dir, httpPort).close();
			throw ex;
		}
		return new PrivateOpenSearch(distribution, dir, httpPort);
	}

	String url() {
		return "http://127.0.0.1:" + this.httpPort;
	}

	/** Starts the node on its data and ports, and waits until it is ready. */
	synchronized void start() {
		if (this.process != null) {
			throw new IllegalStateException("already running");
		}
		this.starts++;
		Path log = this.dir.resolve("opensearch-" + this.starts + ".log");
		List<String> command = new ArrayList<>();
		command.addAll(List.of("setpriv", "--pdeathsig", "KILL"));
		if (isRoot()) {
			command.addAll(List.of("--reuid=" + USER, "--regid=" + USER, "--init-groups"));
		}
		command.addAll(List.of("--", "bin/opensearch"));
		ProcessBuilder builder = new ProcessBuilder(command).directory(this.distribution.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().clear();
		builder.environment()
			.putAll(java.util.Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8", "OPENSEARCH_JAVA_HOME",
					System.getProperty("java.home"), "OPENSEARCH_PATH_CONF", this.dir.resolve("config").toString(),
					// the launcher then runs one JVM less
					"OPENSEARCH_TMPDIR", this.dir.resolve("tmp").toString()));
		try {
			this.process = LAUNCHER.submit(builder::start).get();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("Cannot start OpenSearch from " + this.distribution, ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		RUNNING.add(this.process);
		try {
			await().atMost(START_TIMEOUT)
				.pollInterval(Duration.ofMillis(200))
				.failFast("the node exited", () -> !this.process.isAlive())
				.until(this::ready);
		}
		catch (ConditionTimeoutException | TerminalFailureException ex) {
			String tail = tail(log);
			stop(true);
			throw new IllegalStateException("Private OpenSearch did not start (" + log + "):\n" + tail, ex);
		}
	}

	/** SIGKILL: no flush, no shutdown of any kind; the data folder stays. */
	synchronized void kill() {
		stop(true);
	}

	/** SIGTERM, waiting until it is gone; the data folder stays. */
	synchronized void stop() {
		stop(false);
	}

	private void stop(boolean forcibly) {
		if (this.process == null) {
			return;
		}
		if (forcibly) {
			killTree(this.process);
		}
		else {
			this.process.destroy();
			try {
				if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
					killTree(this.process);
				}
			}
			catch (InterruptedException ex) {
				killTree(this.process);
				Thread.currentThread().interrupt();
			}
		}
		RUNNING.remove(this.process);
		this.process = null;
	}

	/** Stops it for good and deletes its folder. */
	@Override
	public synchronized void close() {
		stop(true);
		try (Stream<Path> files = Files.walk(this.dir)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			// a temporary folder: left for the system to clean
		}
	}

	/** SIGKILL to the node and to what its launcher may still be running. */
	private static void killTree(Process process) {
		process.descendants().forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
		try {
			process.waitFor(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private boolean ready() {
		try {
			HttpResponse<String> health = this.http
				.send(HttpRequest.newBuilder(URI.create(url() + "/_cluster/health?wait_for_status=yellow&timeout=1s"))
					.timeout(Duration.ofSeconds(3))
					.build(), HttpResponse.BodyHandlers.ofString());
			return health.statusCode() == 200 && !health.body().contains("\"status\":\"red\"");
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The node's config folder: the distribution's JVM options with its relative paths
	 * made absolute and a small heap, a single-node loopback cluster, logs on the console
	 * (as scripts/opensearch.sh writes them).
	 */
	private static void configure(Path distribution, Path dir, String name, int httpPort, int transportPort)
			throws IOException {
		Path config = Files.createDirectories(dir.resolve("config/jvm.options.d")).getParent();
		for (String folder : List.of("data", "logs", "tmp")) {
			Files.createDirectories(dir.resolve(folder));
		}
		String jvmOptions = Files.readString(distribution.resolve("config/jvm.options"))
			.replaceAll("(?m)=data$", "=" + dir.resolve("data"))
			.replace("logs/", dir.resolve("logs") + "/")
			.replace("filecount=32,filesize=64m", "filecount=2,filesize=8m")
			.replaceAll("(?m)^(-Xm[sx]).*$", "$1256m");
		Files.writeString(config.resolve("jvm.options"), jvmOptions);
		Files.writeString(config.resolve("opensearch.yml"), """
				cluster.name: mqlab-test-%s
				node.name: %s
				network.host: 127.0.0.1
				http.port: %d
				transport.port: %d
				discovery.type: single-node
				path.data: %s
				path.logs: %s
				cluster.routing.allocation.disk.threshold_enabled: false
				""".formatted(name, name, httpPort, transportPort, dir.resolve("data"), dir.resolve("logs")));
		Files.writeString(config.resolve("log4j2.properties"), """
				status = error
				appender.console.type = Console
				appender.console.name = console
				appender.console.layout.type = PatternLayout
				appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %marker%m%n
				rootLogger.level = info
				rootLogger.appenderRef.console.ref = console
				logger.deprecation.name = org.opensearch.deprecation
				logger.deprecation.level = error
				""");
		if (isRoot()) {
			ensureUser();
			run("chmod", "755", dir.toString());
			run("chown", "-R", USER + ":" + USER, dir.toString());
		}
	}

	/**
	 * The unpacked distribution: the one the property names, else the repository's,
	 * fetched as scripts/opensearch.sh does when missing.
	 */
	static Path distribution() throws IOException {
		String configured = System.getProperty("mqlab.test.opensearch.dist");
		if (configured != null) {
			return Path.of(configured);
		}
		Path root = repositoryRoot();
		Path pom = root.resolve("infra/opensearch/pom.xml");
		Matcher version = Pattern.compile("<opensearch.version>([^<]+)<").matcher(Files.readString(pom));
		if (!version.find()) {
			throw new IllegalStateException("No <opensearch.version> in " + pom);
		}
		Path dist = root.resolve(".mqlab/opensearch/dist");
		Path home = dist.resolve("opensearch-" + version.group(1));
		synchronized (PrivateOpenSearch.class) {
			if (!Files.exists(home.resolve(".complete"))) {
				run(root.resolve("mvnw").toString(), "-q", "-B", "-ntp", "-f", pom.toString(),
						"dependency:unpack-dependencies", "-DincludeTypes=zip", "-DoutputDirectory=" + dist,
						"-DmarkersDirectory=" + dist.resolve(".markers"));
				run("chmod", "-R", "a+rX", dist.toString());
				try (Stream<Path> scripts = Files.list(home.resolve("bin"))) {
					scripts.forEach((script) -> script.toFile().setExecutable(true, false));
				}
				Files.createFile(home.resolve(".complete"));
			}
		}
		return home;
	}

	private static Path repositoryRoot() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.exists(dir.resolve("scripts/opensearch.sh")) && Files.exists(dir.resolve("mvnw"))) {
				return dir;
			}
		}
		throw new IllegalStateException("Not inside the mqlab repository: set -Dmqlab.test.opensearch.dist");
	}

	private static boolean isRoot() {
		return "root".equals(System.getProperty("user.name"));
	}

	/** The system user scripts/opensearch.sh creates, created the same way if missing. */
	private static void ensureUser() {
		try {
			run("id", "-u", USER);
		}
		catch (IllegalStateException missing) {
			run("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell",
					"/usr/sbin/nologin", USER);
		}
	}

	private static void run(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
				process.destroyForcibly();
				throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String tail(Path log) {
		try {
			List<String> lines = Files.readAllLines(log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

}
