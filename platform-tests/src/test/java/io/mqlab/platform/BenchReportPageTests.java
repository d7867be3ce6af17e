package io.mqlab.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.mqlab.bench.BenchRunner;
import io.mqlab.bench.BenchSettings;
import io.mqlab.bench.Brokers;
import io.mqlab.bench.ProjectPaths;
import io.mqlab.bench.Tuning;
import io.mqlab.bench.report.ReportWriter;
import io.mqlab.bench.workload.Workload;
import io.mqlab.messaging.Backend;
import io.mqlab.messaging.contract.LocalBrokers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bench's {@code report.html}, written by a small real run on Redis (no native tool),
 * opened in a real browser: its three charts are drawn as SVG, with no console errors.
 */
class BenchReportPageTests {

	/** Seconds on Redis, enough for the three phases to have points to draw. */
	static final Workload SMALL = new Workload(400, 128, 4, 1, 1, 200, Duration.ofSeconds(1));

	@RegisterExtension
	static final Browser browser = new Browser();

	@Test
	void reportDrawsItsCharts() throws IOException {
		LocalBrokers.requireRedis();
		Path out = Files.createDirectories(Path.of("target", "bench-report-" + UUID.randomUUID()));
		Tuning tuning = new Tuning(4, 0, 16384, 50, 50, 100, Map.of("mqlab.messaging.redis.block-timeout", "200ms"));
		new BenchRunner(new BenchSettings(List.of(Backend.REDIS), SMALL, tuning, Brokers.LOCAL, out,
				Duration.ofSeconds(30), false, Duration.ZERO), ProjectPaths.detect())
			.run();

		browser.open(out.resolve(ReportWriter.HTML).toUri().toString());
		List<WebElement> charts = browser.driver().findElements(By.tagName("svg"));
		assertThat(charts).hasSize(3);
		for (WebElement chart : charts) {
			// drawn: laid out with a size, and holding data marks, not just a frame
			assertThat(chart.getSize().getWidth()).isGreaterThan(100);
			assertThat(chart.getSize().getHeight()).isGreaterThan(100);
			assertThat(chart.findElements(By.cssSelector("polyline, rect"))).isNotEmpty();
		}
		assertThat(charts.stream().map((chart) -> chart.getText()).toList())
			.anySatisfy((text) -> assertThat(text).contains("Throughput per backend"))
			.anySatisfy((text) -> assertThat(text).contains("latency by percentile"))
			.anySatisfy((text) -> assertThat(text).contains("backlog over time"));
		assertThat(browser.driver().findElement(By.tagName("table")).getText()).contains("redis");
		browser.screenshot("bench-report");
		assertThat(browser.consoleErrors()).isEmpty();
	}

}
