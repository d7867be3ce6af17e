package io.mqlab.bench;

import java.io.PrintStream;

/**
 * Progress lines on the console while a run goes on. The contexts log at WARN only, so
 * these lines are what the user sees.
 */
public final class Progress {

	private static final PrintStream out = System.out;

	private Progress() {
	}

	public static void say(String line) {
		synchronized (out) {
			out.println(line);
			out.flush();
		}
	}

	/** A line for one backend, aligned with the others. */
	public static void say(String backend, String line) {
		say(String.format("%-9s %s", backend, line));
	}

}
