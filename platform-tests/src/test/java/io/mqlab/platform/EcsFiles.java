package io.mqlab.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The log files of services that share this JVM (and so one logging system): each line of
 * a service's loggers, by package, appended to {@code <service>.log} as the ECS JSON line
 * Spring Boot's structured file logging writes ({@code log.level}, {@code log.logger},
 * {@code service.name}, {@code message}, the MDC's entries such as {@code traceId} at the
 * top level). Attach it after the services started: a Spring Boot start resets the
 * logging system.
 */
final class EcsFiles extends AppenderBase<ILoggingEvent> implements AutoCloseable {

	private final Path dir;

	private final Map<String, String> servicesByPackage;

	private EcsFiles(Path dir, Map<String, String> servicesByPackage) {
		this.dir = dir;
		this.servicesByPackage = servicesByPackage;
	}

	/**
	 * Starts writing the lines of each package's loggers to its service's file; give the
	 * packages with their trailing dot, so that none contains another.
	 */
	static EcsFiles attach(Path dir, Map<String, String> servicesByPackage) {
		EcsFiles files = new EcsFiles(dir, servicesByPackage);
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		files.setContext(context);
		files.setName("ecs-files");
		files.start();
		context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(files);
		return files;
	}

	@Override
	protected void append(ILoggingEvent event) {
		String service = this.servicesByPackage.entrySet()
			.stream()
			.filter((entry) -> event.getLoggerName().startsWith(entry.getKey()))
			.map(Map.Entry::getValue)
			.findFirst()
			.orElse(null);
		if (service == null) {
			return;
		}
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("@timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString());
		line.put("log", Map.of("level", event.getLevel().toString(), "logger", event.getLoggerName()));
		line.put("process", Map.of("thread", Map.of("name", event.getThreadName())));
		line.put("service", Map.of("name", service));
		line.put("message", event.getFormattedMessage());
		line.putAll(event.getMDCPropertyMap());
		line.put("ecs", Map.of("version", "8.11"));
		try {
			Files.writeString(this.dir.resolve(service + ".log"), JsonMapper.shared().writeValueAsString(line) + "\n",
					StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		LoggerContext context = (LoggerContext) getContext();
		Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		root.detachAppender(this);
		stop();
	}

}
