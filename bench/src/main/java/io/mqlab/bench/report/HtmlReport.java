package io.mqlab.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.mqlab.bench.mqlab.MqlabResult;
import io.mqlab.bench.nativetool.NativeResult;
import io.mqlab.bench.workload.BacklogPoint;
import io.mqlab.bench.workload.Latency;
import io.mqlab.bench.workload.PhaseResult;

/**
 * {@code report.html}: one self-contained page (inline CSS and SVG, nothing fetched) with
 * the tables and three charts: throughput per backend, latency by percentile, backlog
 * over time.
 */
final class HtmlReport {

	/** Where the percentile axis ends: the maximum is drawn there. */
	private static final double MAX_NINES = 5;

	private static final String[] NINES_LABELS = { "0%", "90%", "99%", "99.9%", "99.99%", "max" };

	private HtmlReport() {
	}

	static String render(BenchReport report) {
		StringBuilder html = new StringBuilder();
		html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
		html.append("<title>mqlab bench ").append(Html.escape(report.runId())).append("</title>\n");
		html.append("<style>body{font-family:sans-serif;margin:2em;max-width:1100px;color:#222}"
				+ "table{border-collapse:collapse;margin:1em 0;font-size:13px}"
				+ "th,td{border:1px solid #ccc;padding:4px 8px}td.n{text-align:right}th{background:#f4f4f4}"
				+ "p.note{color:#555;font-size:13px}svg{display:block;margin:1.5em 0}</style>\n");
		html.append("</head>\n<body>\n<h1>mqlab bench</h1>\n");
		html.append("<p>").append(Html.escape(Summary.runLine(report))).append("</p>\n");
		html.append("<p>").append(Html.escape(Summary.workloadLine(report.settings()))).append("</p>\n");
		html.append(table(ResultsTable.RESULTS_HEADER, ResultsTable.results(report.backends()), 1));
		html.append("<p class=\"note\">").append(Html.escape(Summary.LEGEND)).append("</p>\n");
		html.append(throughputChart(report.backends()));
		html.append(latencyChart(report.backends()));
		html.append(backlogChart(report.backends()));
		html.append("<h2>What the native tools ran</h2>\n");
		html.append(table(ResultsTable.NATIVE_HEADER, ResultsTable.natives(report.backends()), 5));
		html.append("<h2>Commands</h2>\n<ul>\n");
		for (BackendResult backend : report.backends()) {
			if (backend.baseline() != null) {
				for (String command : backend.baseline().commands()) {
					html.append("<li><code>").append(Html.escape(command)).append("</code></li>\n");
				}
			}
		}
		html.append("</ul>\n</body>\n</html>\n");
		return html.toString();
	}

	private static String table(List<String> header, List<List<String>> rows, int firstNumeric) {
		StringBuilder html = new StringBuilder("<table>\n<tr>");
		header.forEach((cell) -> html.append("<th>").append(Html.escape(cell)).append("</th>"));
		html.append("</tr>\n");
		for (List<String> row : rows) {
			html.append("<tr>");
			for (int i = 0; i < row.size(); i++) {
				html.append((i >= firstNumeric) ? "<td class=\"n\">" : "<td>")
					.append(Html.escape(row.get(i)))
					.append("</td>");
			}
			html.append("</tr>\n");
		}
		return html.append("</table>\n").toString();
	}

	private static String throughputChart(List<BackendResult> backends) {
		List<String> names = backends.stream().map(BackendResult::name).toList();
		List<String> series = List.of("mqlab publish", "mqlab consume", "mqlab backlog drain", "native publish",
				"native consume");
		double[][] values = new double[series.size()][backends.size()];
		double lowest = Double.MAX_VALUE;
		double highest = 0;
		for (int b = 0; b < backends.size(); b++) {
			MqlabResult mqlab = backends.get(b).mqlab();
			NativeResult baseline = backends.get(b).baseline();
			boolean nativeOk = baseline != null && baseline.error() == null;
			values[0][b] = mqlab.publishPerSec();
			values[1][b] = mqlab.consumePerSec();
			values[2][b] = mqlab.drainPerSec();
			values[3][b] = nativeOk ? baseline.publishPerSec() : 0;
			values[4][b] = nativeOk ? baseline.consumePerSec() : 0;
			for (double[] row : values) {
				if (row[b] > 0) {
					lowest = Math.min(lowest, row[b]);
					highest = Math.max(highest, row[b]);
				}
			}
		}
		if (highest == 0) {
			return "<p>No throughput was measured.</p>\n";
		}
		SvgChart.Axis y = SvgChart.Axis.log("messages per second (log)", lowest, highest, HtmlReport::count);
		return SvgChart.bars("Throughput per backend", names, series, values, y);
	}

	private static String latencyChart(List<BackendResult> backends) {
		List<SvgChart.Line> lines = new ArrayList<>();
		double lowest = Double.MAX_VALUE;
		double highest = 0;
		String phaseName = "";
		for (BackendResult backend : backends) {
			MqlabResult mqlab = backend.mqlab();
			PhaseResult phase = mqlab.phases()
				.stream()
				.filter((candidate) -> candidate.name().equals(mqlab.latencyPhase()))
				.findFirst()
				.orElse(null);
			if (phase == null || phase.latencyCurve().isEmpty()) {
				continue;
			}
			phaseName = phase.name();
			List<Latency.PercentilePoint> curve = phase.latencyCurve();
			double[] xs = new double[curve.size()];
			double[] ys = new double[curve.size()];
			for (int i = 0; i < curve.size(); i++) {
				double percentile = curve.get(i).percentile();
				xs[i] = (percentile >= 100) ? MAX_NINES : Math.min(MAX_NINES, -Math.log10(1 - percentile / 100));
				ys[i] = Math.max(0.01, curve.get(i).ms());
				lowest = Math.min(lowest, ys[i]);
				highest = Math.max(highest, ys[i]);
			}
			lines.add(new SvgChart.Line(backend.name(), xs, ys));
		}
		if (lines.isEmpty()) {
			return "<p>No latency was measured.</p>\n";
		}
		SvgChart.Axis x = new SvgChart.Axis("percentile", 0, MAX_NINES, false, new double[] { 0, 1, 2, 3, 4, 5 },
				(value) -> NINES_LABELS[(int) Math.round(value)]);
		SvgChart.Axis y = SvgChart.Axis.log("end-to-end latency, ms (log)", lowest, highest, HtmlReport::ms);
		return SvgChart.lines("mqlab latency by percentile (" + phaseName + " phase)", lines, x, y);
	}

	private static String backlogChart(List<BackendResult> backends) {
		List<SvgChart.Line> lines = new ArrayList<>();
		double longest = 0;
		double highest = 0;
		for (BackendResult backend : backends) {
			List<BacklogPoint> points = backend.mqlab().backlog();
			if (points.isEmpty()) {
				continue;
			}
			double[] xs = points.stream().mapToDouble(BacklogPoint::seconds).toArray();
			double[] ys = points.stream().mapToDouble(BacklogPoint::backlog).toArray();
			for (int i = 0; i < xs.length; i++) {
				longest = Math.max(longest, xs[i]);
				highest = Math.max(highest, ys[i]);
			}
			lines.add(new SvgChart.Line(backend.name(), xs, ys));
		}
		if (lines.isEmpty()) {
			return "<p>No backlog was sampled.</p>\n";
		}
		SvgChart.Axis x = SvgChart.Axis.linear(
				"seconds since the backend's run started (warm-up, max-throughput, fixed-rate, backlog)", longest,
				(value) -> String.format(Locale.ROOT, "%.0f", value));
		SvgChart.Axis y = SvgChart.Axis.linear("confirmed, not yet handled", highest, HtmlReport::count);
		return SvgChart.lines("mqlab backlog over time", lines, x, y);
	}

	private static String count(double value) {
		if (value >= 1_000_000) {
			return String.format(Locale.ROOT, "%sM", compact(value / 1_000_000));
		}
		if (value >= 1_000) {
			return String.format(Locale.ROOT, "%sk", compact(value / 1_000));
		}
		return String.format(Locale.ROOT, "%.0f", value);
	}

	/** 2 or 2.5, never 2.0. */
	private static String compact(double value) {
		return (value == Math.rint(value)) ? String.format(Locale.ROOT, "%.0f", value)
				: String.format(Locale.ROOT, "%.1f", value);
	}

	private static String ms(double value) {
		return (value >= 1) ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value);
	}

}
