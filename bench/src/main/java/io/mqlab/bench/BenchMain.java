package io.mqlab.bench;

import java.util.Arrays;

import io.mqlab.bench.delay.DelayBench;
import io.mqlab.bench.report.BenchReport;

/**
 * {@code ./mqlab bench}: measures the messaging library on each backend against the
 * broker's own benchmark tool. Exit status 0 when every backend was measured, 1 when a
 * backend's mqlab run failed, 2 for a bad command line.
 */
public final class BenchMain {

	private BenchMain() {
	}

	public static void main(String[] args) {
		System.exit(run(args));
	}

	static int run(String[] args) {
		ProjectPaths paths = ProjectPaths.detect();
		if (args.length > 0 && args[0].equals("delays")) {
			return DelayBench.run(Arrays.copyOfRange(args, 1, args.length), paths);
		}
		BenchSettings settings;
		try {
			settings = BenchOptions.parse(args, paths);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("bench: " + ex.getMessage());
			System.err.print(BenchOptions.USAGE);
			return 2;
		}
		if (settings == null) {
			System.out.print(BenchOptions.USAGE);
			return 0;
		}
		try {
			BenchReport report = new BenchRunner(settings, paths).run();
			return report.backends().stream().anyMatch((backend) -> backend.mqlab().error() != null) ? 1 : 0;
		}
		catch (Exception ex) {
			System.err.println("bench: " + ex);
			return 1;
		}
	}

}
