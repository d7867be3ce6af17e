package io.mqlab.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Small inline SVG charts (bars and lines, linear or log axes), so the report needs no
 * script or network to draw.
 */
final class SvgChart {

	static final String[] COLORS = { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b" };

	private static final int WIDTH = 820;

	private static final int HEIGHT = 380;

	private static final int LEFT = 80;

	private static final int RIGHT = 20;

	private static final int TOP = 40;

	private static final int BOTTOM = 80;

	private SvgChart() {
	}

	/**
	 * One line of a line chart.
	 *
	 * @param name legend text
	 * @param xs x values
	 * @param ys y values
	 */
	record Line(String name, double[] xs, double[] ys) {

	}

	/**
	 * An axis: its range, whether it is logarithmic, its ticks and how they are labelled.
	 */
	record Axis(String title, double min, double max, boolean log, double[] ticks, DoubleFunction<String> label) {

		double fraction(double value) {
			if (this.log) {
				double low = Math.log10(this.min);
				return (Math.log10(Math.max(value, this.min)) - low) / (Math.log10(this.max) - low);
			}
			return (value - this.min) / (this.max - this.min);
		}

		/** A log axis over whole decades covering the values. */
		static Axis log(String title, double lowest, double highest, DoubleFunction<String> label) {
			double min = Math.pow(10, Math.floor(Math.log10(Math.max(lowest, 1e-3))));
			double max = Math.pow(10, Math.ceil(Math.log10(Math.max(highest, min * 10))));
			if (max <= min) {
				max = min * 10;
			}
			List<Double> ticks = new ArrayList<>();
			for (double tick = min; tick <= max * 1.0001; tick *= 10) {
				ticks.add(tick);
			}
			return new Axis(title, min, max, true, ticks.stream().mapToDouble(Double::doubleValue).toArray(), label);
		}

		/** A linear axis from 0 with about five round ticks. */
		static Axis linear(String title, double highest, DoubleFunction<String> label) {
			double top = (highest <= 0) ? 1 : highest;
			double raw = top / 5;
			double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
			double step = magnitude
					* ((raw / magnitude <= 1) ? 1 : (raw / magnitude <= 2) ? 2 : (raw / magnitude <= 5) ? 5 : 10);
			double max = Math.ceil(top / step) * step;
			int count = (int) Math.round(max / step) + 1;
			double[] ticks = new double[count];
			for (int i = 0; i < count; i++) {
				ticks[i] = i * step;
			}
			return new Axis(title, 0, max, false, ticks, label);
		}

	}

	static String lines(String title, List<Line> lines, Axis x, Axis y) {
		StringBuilder svg = frame(title, x, y, true);
		for (int i = 0; i < lines.size(); i++) {
			Line line = lines.get(i);
			String color = COLORS[i % COLORS.length];
			StringBuilder points = new StringBuilder();
			for (int p = 0; p < line.xs().length; p++) {
				points.append(num(px(x, line.xs()[p]))).append(',').append(num(py(y, line.ys()[p]))).append(' ');
			}
			svg.append("<polyline fill=\"none\" stroke=\"")
				.append(color)
				.append("\" stroke-width=\"2\" points=\"")
				.append(points.toString().strip())
				.append("\"><title>")
				.append(Html.escape(line.name()))
				.append("</title></polyline>\n");
		}
		legend(svg, lines.stream().map(Line::name).toList());
		return svg.append("</svg>\n").toString();
	}

	/**
	 * Grouped bars: one group per category, one bar per series.
	 * @param values {@code values[series][category]}; zero or less draws no bar
	 */
	static String bars(String title, List<String> categories, List<String> series, double[][] values, Axis y) {
		double[] ticks = new double[0];
		Axis x = new Axis("", 0, categories.size(), false, ticks, (v) -> "");
		StringBuilder svg = frame(title, x, y, false);
		double groupWidth = (WIDTH - LEFT - RIGHT) / (double) categories.size();
		double barWidth = groupWidth * 0.8 / series.size();
		for (int c = 0; c < categories.size(); c++) {
			double groupLeft = LEFT + c * groupWidth + groupWidth * 0.1;
			for (int s = 0; s < series.size(); s++) {
				double value = values[s][c];
				if (value <= 0) {
					continue;
				}
				double top = py(y, value);
				svg.append("<rect x=\"")
					.append(num(groupLeft + s * barWidth))
					.append("\" y=\"")
					.append(num(top))
					.append("\" width=\"")
					.append(num(barWidth - 2))
					.append("\" height=\"")
					.append(num(HEIGHT - BOTTOM - top))
					.append("\" fill=\"")
					.append(COLORS[s % COLORS.length])
					.append("\"><title>")
					.append(Html.escape(categories.get(c) + " " + series.get(s) + ": "))
					.append(String.format(Locale.ROOT, "%,.0f", value))
					.append("</title></rect>\n");
			}
			svg.append(text(groupLeft + groupWidth * 0.4, HEIGHT - BOTTOM + 18, "middle", categories.get(c)));
		}
		legend(svg, series);
		return svg.append("</svg>\n").toString();
	}

	private static StringBuilder frame(String title, Axis x, Axis y, boolean xTicks) {
		StringBuilder svg = new StringBuilder();
		svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
			.append(WIDTH)
			.append(' ')
			.append(HEIGHT)
			.append("\" width=\"")
			.append(WIDTH)
			.append("\" height=\"")
			.append(HEIGHT)
			.append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
		svg.append(text(WIDTH / 2.0, 20, "middle", title).replace("<text ", "<text font-weight=\"bold\" "));
		for (double tick : y.ticks()) {
			double at = py(y, tick);
			svg.append("<line x1=\"")
				.append(LEFT)
				.append("\" x2=\"")
				.append(WIDTH - RIGHT)
				.append("\" y1=\"")
				.append(num(at))
				.append("\" y2=\"")
				.append(num(at))
				.append("\" stroke=\"#ddd\"/>\n");
			svg.append(text(LEFT - 6, at + 4, "end", y.label().apply(tick)));
		}
		if (xTicks) {
			for (double tick : x.ticks()) {
				double at = px(x, tick);
				svg.append("<line x1=\"")
					.append(num(at))
					.append("\" x2=\"")
					.append(num(at))
					.append("\" y1=\"")
					.append(TOP)
					.append("\" y2=\"")
					.append(HEIGHT - BOTTOM)
					.append("\" stroke=\"#eee\"/>\n");
				svg.append(text(at, HEIGHT - BOTTOM + 16, "middle", x.label().apply(tick)));
			}
		}
		svg.append("<rect x=\"")
			.append(LEFT)
			.append("\" y=\"")
			.append(TOP)
			.append("\" width=\"")
			.append(WIDTH - LEFT - RIGHT)
			.append("\" height=\"")
			.append(HEIGHT - TOP - BOTTOM)
			.append("\" fill=\"none\" stroke=\"#999\"/>\n");
		svg.append(text(LEFT + (WIDTH - LEFT - RIGHT) / 2.0, HEIGHT - BOTTOM + 34, "middle", x.title()));
		svg.append("<text transform=\"translate(16,")
			.append(num(TOP + (HEIGHT - TOP - BOTTOM) / 2.0))
			.append(") rotate(-90)\" text-anchor=\"middle\">")
			.append(Html.escape(y.title()))
			.append("</text>\n");
		return svg;
	}

	private static void legend(StringBuilder svg, List<String> names) {
		double at = LEFT;
		for (int i = 0; i < names.size(); i++) {
			svg.append("<rect x=\"")
				.append(num(at))
				.append("\" y=\"")
				.append(HEIGHT - 22)
				.append("\" width=\"12\" height=\"12\" fill=\"")
				.append(COLORS[i % COLORS.length])
				.append("\"/>\n");
			svg.append(text(at + 16, HEIGHT - 12, "start", names.get(i)));
			at += 28 + names.get(i).length() * 8;
		}
	}

	private static double px(Axis x, double value) {
		return LEFT + x.fraction(value) * (WIDTH - LEFT - RIGHT);
	}

	private static double py(Axis y, double value) {
		return HEIGHT - BOTTOM - Math.max(0, Math.min(1, y.fraction(value))) * (HEIGHT - TOP - BOTTOM);
	}

	private static String text(double x, double y, String anchor, String content) {
		return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\">" + Html.escape(content)
				+ "</text>\n";
	}

	private static String num(double value) {
		return String.format(Locale.ROOT, "%.1f", value);
	}

}
