package io.mqlab.bench.report;

import java.util.Locale;

/**
 * How figures are written in the Markdown and HTML reports.
 */
final class Format {

	static final String NONE = "–";

	private Format() {
	}

	static String rate(double perSecond) {
		return (perSecond <= 0) ? NONE : String.format(Locale.ROOT, "%,.0f", perSecond);
	}

	static String ms(Double ms) {
		if (ms == null) {
			return NONE;
		}
		return String.format(Locale.ROOT, (ms >= 100) ? "%.0f" : "%.2f", ms);
	}

	static String ratio(Double ratio) {
		if (ratio == null) {
			return NONE;
		}
		// Small shares keep two significant digits instead of showing 0.00.
		return String.format(Locale.ROOT, (ratio >= 0.1) ? "%.2f" : (ratio >= 0.01) ? "%.3f" : "%.4f", ratio);
	}

	static String count(Long count) {
		return (count == null) ? NONE : String.format(Locale.ROOT, "%,d", count);
	}

}
