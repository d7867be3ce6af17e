package io.mqlab.bench.nativetool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.mqlab.bench.ProjectPaths;
import io.mqlab.bench.Progress;

/**
 * The jars of the Java tools, resolved from Maven Central on first use, the way
 * {@code scripts/kafka.sh} fetches the broker: Kafka's (kafka-tools included) into
 * {@code .mqlab/kafka/libs}, shared with the standalone broker, and PerfTest's into
 * {@code .mqlab/bench/perf-test}. Each tool gets a child JVM with just its own jars.
 */
public final class ToolJars {

	private static final Duration FETCH_TIMEOUT = Duration.ofMinutes(10);

	private final ProjectPaths paths;

	public ToolJars(ProjectPaths paths) {
		this.paths = paths;
	}

	/** Kafka's jars, kafka-tools 4.2.1 among them. */
	Path kafka() throws IOException {
		return fetch(this.paths.home().resolve("kafka/libs"), this.paths.root().resolve("infra/kafka/pom.xml"));
	}

	/** RabbitMQ PerfTest's jars. */
	Path perfTest() throws IOException {
		return fetch(this.paths.home().resolve("bench/perf-test"),
				this.paths.root().resolve("infra/perf-test/pom.xml"));
	}

	static String classpath(Path dir) {
		return dir.resolve("*").toString();
	}

	private synchronized Path fetch(Path dir, Path pom) throws IOException {
		if (Files.exists(dir.resolve(".complete"))) {
			return dir;
		}
		Progress.say("bench: fetching " + pom.getParent().getFileName() + " jars from Maven Central into " + dir
				+ " (first run only)");
		Files.createDirectories(dir);
		Path log = this.paths.home().resolve("bench/fetch-" + pom.getParent().getFileName() + ".log");
		ChildProcess.run(List.of(this.paths.mvnw().toString(), "-q", "-B", "-f", pom.toString(),
				"dependency:copy-dependencies", "-DoutputDirectory=" + dir, "-DincludeScope=runtime"), log,
				FETCH_TIMEOUT);
		Files.createFile(dir.resolve(".complete"));
		return dir;
	}

}
