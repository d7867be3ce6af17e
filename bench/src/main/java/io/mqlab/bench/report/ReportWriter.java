package io.mqlab.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes {@code results.json}, {@code results.md} and {@code report.html} into the output
 * directory (rewritten after every backend, so a failed run still leaves what it
 * measured).
 */
public final class ReportWriter {

	public static final String JSON = "results.json";

	public static final String MARKDOWN = "results.md";

	public static final String HTML = "report.html";

	private static final JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private ReportWriter() {
	}

	/** The main results table in Markdown, for the console. */
	public static String resultsTable(List<BackendResult> backends) {
		return MarkdownReport.resultsTable(backends);
	}

	/** A ratio as the reports write it. */
	public static String ratio(Double ratio) {
		return Format.ratio(ratio);
	}

	public static void write(BenchReport report, Path out) throws IOException {
		Files.createDirectories(out);
		Files.writeString(out.resolve(JSON), mapper.writeValueAsString(report) + "\n");
		Files.writeString(out.resolve(MARKDOWN), MarkdownReport.render(report));
		Files.writeString(out.resolve(HTML), HtmlReport.render(report));
	}

}
