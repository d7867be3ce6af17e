package io.mqlab.bench.report;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code results.md}: the results table, what the native tools ran, and the settings.
 */
final class MarkdownReport {

	private MarkdownReport() {
	}

	static String render(BenchReport report) {
		StringBuilder md = new StringBuilder();
		md.append("# mqlab bench\n\n");
		md.append(Summary.runLine(report)).append("\n\n");
		md.append(Summary.workloadLine(report.settings())).append("\n\n");
		md.append(resultsTable(report.backends()));
		md.append("\n").append(Summary.LEGEND).append("\n\n");
		md.append("## What the native tools ran\n\n");
		md.append(table(ResultsTable.NATIVE_HEADER, ResultsTable.natives(report.backends()), 5));
		md.append("\n## Settings per backend\n\n");
		for (BackendResult backend : report.backends()) {
			// The knobs' properties; results.json has every property the context got.
			md.append("- **").append(backend.name()).append("** mqlab: ").append(properties(knobProperties(backend)));
			if (backend.baseline() != null) {
				md.append("; native: ").append(properties(backend.baseline().settings()));
			}
			md.append("\n");
		}
		return md.toString();
	}

	/** The main table alone, as printed at the end of a run. */
	static String resultsTable(List<BackendResult> backends) {
		return table(ResultsTable.RESULTS_HEADER, ResultsTable.results(backends), 1);
	}

	/** Columns from {@code firstNumeric} on are right-aligned. */
	private static String table(List<String> header, List<List<String>> rows, int firstNumeric) {
		StringBuilder md = new StringBuilder();
		md.append("| ").append(String.join(" | ", header)).append(" |\n|");
		for (int i = 0; i < header.size(); i++) {
			md.append((i >= firstNumeric) ? "---:|" : "---|");
		}
		md.append('\n');
		for (List<String> row : rows) {
			md.append("| ")
				.append(row.stream().map(MarkdownReport::cell).collect(Collectors.joining(" | ")))
				.append(" |\n");
		}
		return md.toString();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> knobProperties(BackendResult backend) {
		Object properties = backend.settings().get("properties");
		return (properties instanceof Map<?, ?> map) ? (Map<String, Object>) map : backend.mqlab().properties();
	}

	private static String properties(Map<String, Object> properties) {
		return properties.entrySet()
			.stream()
			.map((entry) -> "`" + entry.getKey() + "=" + entry.getValue() + "`")
			.collect(Collectors.joining(", "));
	}

	private static String cell(String text) {
		return text.replace("|", "\\|").replace("\n", " ");
	}

}
