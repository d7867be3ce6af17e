package io.mqlab.platform.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.mqlab.messaging.contract.TcpProxy;

/**
 * One backend as the fault run uses it: how a service reaches the broker through its
 * proxy, how the broker is restarted, and what a run leaves behind on it.
 */
abstract class FaultBroker implements AutoCloseable {

	abstract String backend();

	/**
	 * Starts the broker if the run owns one; checks that the machine's runs otherwise.
	 */
	abstract void start(RunNames names, Path dir, List<String> services);

	/** A proxy in front of the broker for one service. */
	abstract TcpProxy proxyFor(String service);

	/** Properties that connect a service to the broker through its proxy. */
	abstract Map<String, String> via(TcpProxy proxy, RunNames names);

	/** Properties that connect the run's own inspecting context directly. */
	abstract Map<String, String> direct(RunNames names);

	/**
	 * Properties with which the services notice a dead consumer within seconds (a plan
	 * too short to wait out the defaults); none where that is already so.
	 */
	Map<String, String> quickFailover() {
		return Map.of();
	}

	/**
	 * Restarts the broker (or, for Redis, cuts the services' connections); says what it
	 * did.
	 */
	abstract String restart(RunNames names);

	/** Removes what the run left on a broker that outlives it. */
	void cleanUp(RunNames names) {
	}

	@Override
	public void close() {
	}

	/** Runs a command of the machine, failing unless it exits 0 within the bound. */
	static String command(long timeoutSeconds, String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(
						String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
			}
			String output = new String(process.getInputStream().readAllBytes());
			if (process.exitValue() != 0) {
				throw new IllegalStateException(
						String.join(" ", command) + " exited " + process.exitValue() + ": " + output);
			}
			return output;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
