package io.mqlab.platform.faults;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fault run on one backend (one subclass per backend): the platform under load while
 * services are killed, the broker restarts and a service is cut off, then a ledger that
 * must show nothing lost and nothing counted twice. The normal suite runs the short
 * version; {@code -Dmqlab.faults.full=true} runs the full one ({@code ./mqlab faults}),
 * {@code -Dmqlab.faults.backend=kafka} only that backend's, and
 * {@code -Dmqlab.faults.out=FILE} writes the ledger there in Markdown.
 */
abstract class FaultRunTests {

	protected abstract FaultBroker broker();

	@Test
	void nothingIsLostOrCountedTwice() throws Exception {
		FaultBroker broker = broker();
		String only = System.getProperty("mqlab.faults.backend", "");
		assumeTrue(only.isBlank() || only.equals(broker.backend()), "only the " + only + " backend is asked for");
		FaultPlan plan = Boolean.getBoolean("mqlab.faults.full") ? FaultPlan.full() : FaultPlan.quick();
		FaultRun run = new FaultRun(broker, plan);
		FaultRun.Result result;
		try (run) {
			result = run.run();
		}
		System.out.println(result.report());
		Files.writeString(run.directory().resolve("ledger.md"), result.report());
		String out = System.getProperty("mqlab.faults.out", "");
		if (!out.isBlank()) {
			Path file = Path.of(out);
			if (file.getParent() != null) {
				Files.createDirectories(file.getParent());
			}
			Files.writeString(file, result.report() + "\n", java.nio.file.StandardOpenOption.CREATE,
					java.nio.file.StandardOpenOption.APPEND);
		}
		assertThat(result.ledger().failures()).as(result.report()).isEmpty();
	}

}
