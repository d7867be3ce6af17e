package io.mqlab.platform.faults;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault run on one backend (one subclass per backend): the platform under load while
 * services are killed, the broker restarts and a service is cut off, then a ledger that
 * must show nothing lost and nothing counted twice. The {@code *FaultRunTests} subclasses
 * run {@link FaultPlan#suite()}, about a minute per backend, in the default build. The
 * {@code *FaultRunCheck} names are outside surefire's default includes:
 * {@code ./mqlab faults [backend] --short} runs {@link FaultPlan#quick()} (minutes per
 * backend), {@code ./mqlab faults [backend]} the full one
 * ({@code -Dmqlab.faults.full=true}), and {@code -Dmqlab.faults.out=FILE} writes the
 * ledger there in Markdown.
 */
abstract class FaultRunCheck {

	protected abstract FaultBroker broker();

	protected FaultPlan plan() {
		return Boolean.getBoolean("mqlab.faults.full") ? FaultPlan.full() : FaultPlan.quick();
	}

	@Test
	void nothingIsLostOrCountedTwice() throws Exception {
		FaultBroker broker = broker();
		FaultRun run = new FaultRun(broker, plan());
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
