package io.mqlab.platform.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started as a child process, its output in a log file. {@link #kill()} is a
 * SIGKILL (no shutdown hook runs), {@link #stop()} a SIGTERM.
 */
final class ChildJvm {

	/** Every child still running, killed if this JVM ends before the run closes them. */
	private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "child-jvm-reaper"));
	}

	private final String name;

	private final List<String> command;

	private final Path logDir;

	private Process process;

	private int starts;

	ChildJvm(String name, List<String> jvmAndMain, Path logDir) {
		this.name = name;
		this.command = List.copyOf(jvmAndMain);
		this.logDir = logDir;
	}

	static List<String> java(String heap, String... options) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx" + heap);
		// a loaded machine: start fast rather than peak fast
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-XX:+UseSerialGC");
		command.addAll(List.of(options));
		return command;
	}

	String name() {
		return this.name;
	}

	synchronized void start() {
		this.starts++;
		Path log = log();
		try {
			this.process = new ProcessBuilder(this.command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			RUNNING.add(this.process);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start " + this.name, ex);
		}
	}

	/** The current run's log file. */
	synchronized Path log() {
		return this.logDir.resolve(this.name + "-" + this.starts + ".log");
	}

	synchronized boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	/** SIGKILL, and wait until it is gone. */
	synchronized void kill() {
		end(true);
	}

	/** SIGKILL, then the same command again. */
	synchronized void killAndStart() {
		end(true);
		start();
	}

	/**
	 * Starts it again if it ended by itself, as a supervisor does (compose's
	 * {@code restart: on-failure}).
	 * @return its exit code, or -1 if it still runs or was never started or was stopped
	 */
	synchronized int restartIfExited() {
		if (this.process == null || this.process.isAlive()) {
			return -1;
		}
		int exit = this.process.exitValue();
		RUNNING.remove(this.process);
		start();
		return exit;
	}

	/** SIGTERM, and wait until it is gone (SIGKILL after a minute). */
	synchronized void stop() {
		end(false);
	}

	private void end(boolean forcibly) {
		if (this.process == null) {
			return;
		}
		if (forcibly) {
			this.process.destroyForcibly();
		}
		else {
			this.process.destroy();
		}
		try {
			if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(30, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		RUNNING.remove(this.process);
		this.process = null;
	}

}
