package io.mqlab.platform.faults;

import java.util.ArrayList;
import java.util.List;

/**
 * What the run counted at the end: one line per count, with what it had to be. The run
 * fails unless every line holds.
 */
final class Ledger {

	private final List<Line> lines = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	/** A count that must equal {@code expected}. */
	Ledger expect(String name, long value, long expected, String detail) {
		this.lines.add(new Line(name, value, Long.toString(expected), value == expected, detail));
		return this;
	}

	/** A count shown for information. */
	Ledger info(String name, long value, String detail) {
		this.lines.add(new Line(name, value, "", true, detail));
		return this;
	}

	Ledger note(String note) {
		this.notes.add(note);
		return this;
	}

	List<Line> failures() {
		return this.lines.stream().filter((line) -> !line.ok()).toList();
	}

	String markdown(String title) {
		StringBuilder out = new StringBuilder("### " + title + "\n\n| | count | must be | |\n|---|---:|---:|---|\n");
		for (Line line : this.lines) {
			out.append("| ")
				.append(line.name())
				.append(" | ")
				.append(line.value())
				.append(" | ")
				.append(line.expected())
				.append(" | ")
				.append(line.expected().isEmpty() ? "" : (line.ok() ? "ok" : "**FAILED**"))
				.append(line.detail().isEmpty() ? "" : " " + line.detail().replace("|", "\\|"))
				.append(" |\n");
		}
		if (!this.notes.isEmpty()) {
			out.append('\n');
			this.notes.forEach((note) -> out.append("- ").append(note.replace("\n", " ")).append('\n'));
		}
		out.append('\n')
			.append(failures().isEmpty() ? "Nothing lost, nothing counted twice."
					: failures().size() + " line(s) FAILED: " + failures().stream().map(Line::name).toList())
			.append('\n');
		return out.toString();
	}

	record Line(String name, long value, String expected, boolean ok, String detail) {

	}

}
