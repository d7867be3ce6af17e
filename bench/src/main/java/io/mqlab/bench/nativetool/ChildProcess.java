package io.mqlab.bench.nativetool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs a tool as a child process with its output in a log file, bounded in time. Children
 * still running when the bench exits are killed.
 */
final class ChildProcess {

	private static final Set<Process> running = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> running.forEach(Process::destroyForcibly), "bench-child-reaper"));
	}

	private ChildProcess() {
	}

	/** Runs the command and returns its output; fails on a non-zero exit or a timeout. */
	static String run(List<String> command, Path log, Duration timeout) throws IOException {
		Files.createDirectories(log.getParent());
		Files.writeString(log, "$ " + String.join(" ", command) + "\n");
		Process process = new ProcessBuilder(command).directory(log.getParent().toFile())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		running.add(process);
		try {
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new IOException(
						command.get(0) + " did not finish within " + timeout.toSeconds() + " s, see " + log);
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while running " + command.get(0), ex);
		}
		finally {
			running.remove(process);
		}
		String output = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
		if (process.exitValue() != 0) {
			throw new IOException(command.get(0) + " exited with " + process.exitValue() + ": " + tail(output));
		}
		return output;
	}

	/** The Java of this JVM, for tools that run in a child JVM. */
	static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	static String tail(String output) {
		String[] lines = output.strip().split("\n");
		StringBuilder tail = new StringBuilder();
		for (int i = Math.max(0, lines.length - 5); i < lines.length; i++) {
			tail.append(lines[i].strip()).append(" | ");
		}
		return tail.toString();
	}

}
