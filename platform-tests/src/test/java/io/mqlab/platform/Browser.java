package io.mqlab.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * One headless Chromium per test class: Debian's {@code /usr/bin/chromium} driven through
 * {@code /usr/bin/chromedriver}, both given explicitly so Selenium Manager never looks
 * for (or downloads) a browser or driver. Register it with
 * {@code @RegisterExtension static}; when a test fails it leaves a screenshot and the
 * page source under {@code target/browser-failures/}. The page's console errors are
 * collected so tests can assert there are none.
 */
final class Browser implements BeforeAllCallback, AfterAllCallback, AfterTestExecutionCallback {

	static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	static final Path FAILURES = Path.of("target", "browser-failures");

	static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");

	private ChromeDriverService service;

	private ChromeDriver driver;

	private Path profile;

	private final List<String> consoleErrors = new ArrayList<>();

	@Override
	public void beforeAll(ExtensionContext context) throws IOException {
		for (Path program : List.of(CHROMIUM, CHROMEDRIVER)) {
			if (!Files.isExecutable(program)) {
				throw new IllegalStateException(program + " is missing: the browser tests need Debian's chromium and "
						+ "chromium-driver packages; install them with ./mqlab setup");
			}
		}
		Path work = Files.createDirectories(Path.of("target", "browser"));
		this.profile = work.resolve("profile-" + UUID.randomUUID());
		this.service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.withLogFile(work.resolve(context.getRequiredTestClass().getSimpleName() + "-chromedriver.log").toFile())
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toString());
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-dev-shm-usage", "--window-size=1280,1000",
				"--user-data-dir=" + this.profile.toAbsolutePath());
		LoggingPreferences logs = new LoggingPreferences();
		logs.enable(LogType.BROWSER, Level.ALL);
		options.setCapability("goog:loggingPrefs", logs);
		this.driver = new ChromeDriver(this.service, options);
		this.driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
	}

	@Override
	public void afterTestExecution(ExtensionContext context) {
		if (context.getExecutionException().isPresent() && this.driver != null) {
			String name = context.getRequiredTestClass().getSimpleName() + "."
					+ context.getRequiredTestMethod().getName();
			Path shot = screenshot(FAILURES, name);
			write(FAILURES.resolve(name + ".html"), this.driver.getPageSource());
			System.err.println("Browser test " + name + " failed on " + this.driver.getCurrentUrl() + "; screenshot: "
					+ shot.toAbsolutePath());
		}
	}

	@Override
	public void afterAll(ExtensionContext context) throws IOException {
		if (this.driver != null) {
			this.driver.quit();
		}
		if (this.service != null) {
			this.service.stop();
		}
		if (this.profile != null && Files.exists(this.profile)) {
			try (Stream<Path> files = Files.walk(this.profile)) {
				files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
		}
	}

	ChromeDriver driver() {
		return this.driver;
	}

	/** Opens a page; console errors count from here. */
	void open(String url) {
		this.driver.manage().logs().get(LogType.BROWSER);
		this.consoleErrors.clear();
		this.driver.get(url);
	}

	/** The text of the element with this id, or "" while it is not there. */
	String text(String id) {
		List<WebElement> found = this.driver.findElements(By.id(id));
		return found.isEmpty() ? "" : found.get(0).getText();
	}

	/** Every console error since the last {@link #open} (SEVERE entries of its log). */
	List<String> consoleErrors() {
		for (LogEntry entry : this.driver.manage().logs().get(LogType.BROWSER)) {
			if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
				this.consoleErrors.add(entry.getMessage());
			}
		}
		return List.copyOf(this.consoleErrors);
	}

	/** The page as it is now, as a PNG in {@code target/browser-screenshots/}. */
	Path screenshot(String name) {
		return screenshot(SCREENSHOTS, name);
	}

	private Path screenshot(Path directory, String name) {
		Path file = directory.resolve(name + ".png");
		write(file, this.driver.getScreenshotAs(OutputType.BYTES));
		return file;
	}

	private static void write(Path file, Object content) {
		try {
			Files.createDirectories(file.getParent());
			if (content instanceof byte[] bytes) {
				Files.write(file, bytes);
			}
			else {
				Files.writeString(file, String.valueOf(content));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
