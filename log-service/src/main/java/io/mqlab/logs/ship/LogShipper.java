package io.mqlab.logs.ship;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.logs.LinesShipped;
import io.mqlab.logs.LinesShipped.Line;
import io.mqlab.logs.LogSettings;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.OutgoingMessage;
import io.mqlab.messaging.PayloadTooLargeException;
import jakarta.annotation.PreDestroy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.annotation.Scheduled;

/**
 * The shipper (the Filebeat role): tails every file the globs match, also files that
 * appear later, and publishes their events in batches to {@code logs}, keyed by source. A
 * file's checkpoint advances only after the broker confirmed the batch, so a broker
 * outage or a crash re-reads from the last confirmed position: the files are the spool,
 * and nothing is dropped. A rotated file (renamed, a new one in its place) is recognised
 * by its file key and read to its end through the handle already open; a truncated one
 * (smaller than its position) is read again from the start under a new file id.
 */
public class LogShipper {

	private static final Log logger = LogFactory.getLog(LogShipper.class);

	private static final int MAX_BATCHES_PER_POLL = 20;

	private final LogSettings settings;

	private final Messaging messaging;

	private final Checkpoints checkpoints;

	private final List<Glob> globs;

	private final String source;

	private final byte[] buffer;

	private final Map<String, TailedFile> files = new LinkedHashMap<>();

	private final Counter shipped;

	private final Counter failures;

	private boolean started;

	private long retryAtNanos;

	public LogShipper(LogSettings settings, Messaging messaging, tools.jackson.databind.json.JsonMapper jsonMapper,
			MeterRegistry registry) {
		this.settings = settings;
		this.messaging = messaging;
		this.checkpoints = new Checkpoints(settings.shipper().checkpoints(), jsonMapper);
		this.globs = settings.shipper().paths().stream().map(Glob::of).toList();
		this.source = settings.shipper().source().isBlank() ? hostName() : settings.shipper().source();
		this.buffer = new byte[(int) settings.shipper().maxBytes().toBytes()];
		this.shipped = Counter.builder("mqlab.logs.shipped")
			.description("Log events the broker confirmed")
			.register(registry);
		this.failures = Counter.builder("mqlab.logs.ship.failures")
			.description("Batches the broker did not take")
			.register(registry);
	}

	public String source() {
		return this.source;
	}

	/** Events the broker confirmed since this instance started. */
	public long shipped() {
		return (long) this.shipped.count();
	}

	@Scheduled(fixedDelayString = "${mqlab.logs.shipper.poll-interval:250ms}")
	public synchronized void poll() {
		if (System.nanoTime() - this.retryAtNanos < 0) {
			return;
		}
		try {
			discover();
			for (TailedFile file : new ArrayList<>(this.files.values())) {
				ship(file);
				closeIfDone(file);
			}
		}
		catch (RuntimeException | IOException ex) {
			this.failures.increment();
			this.retryAtNanos = System.nanoTime() + this.settings.shipper().retryInterval().toNanos();
			logger.warn("Shipping paused for " + this.settings.shipper().retryInterval()
					+ ", will resume from the last confirmed positions: " + ex);
		}
	}

	private void discover() throws IOException {
		Map<String, Path> found = new LinkedHashMap<>();
		for (Glob glob : this.globs) {
			for (Path path : glob.matches()) {
				String key = fileKey(path);
				if (key != null) {
					found.putIfAbsent(key, path);
				}
			}
		}
		if (!this.started) {
			resumeRotated(found);
			this.started = true;
		}
		for (Map.Entry<String, Path> entry : found.entrySet()) {
			TailedFile file = this.files.get(entry.getKey());
			if (file == null) {
				open(entry.getValue(), entry.getKey(), false);
			}
			else {
				file.path = entry.getValue();
				file.gone = false;
			}
		}
		for (TailedFile file : this.files.values()) {
			if (!found.containsKey(file.fileKey)) {
				file.gone = true;
			}
		}
	}

	/**
	 * After a restart: a file with a checkpoint that the globs no longer match was
	 * rotated while the shipper was down. Its rest is shipped if it is still in one of
	 * the globs' folders (as {@code .log.1}, say); otherwise its checkpoint is dropped.
	 */
	private void resumeRotated(Map<String, Path> found) throws IOException {
		Set<String> keys = new HashSet<>(found.keySet());
		for (Checkpoints.Checkpoint checkpoint : this.checkpoints.all()) {
			if (keys.contains(checkpoint.fileKey())) {
				continue;
			}
			Path rotated = null;
			for (Glob glob : this.globs) {
				rotated = glob.sibling(checkpoint.fileKey());
				if (rotated != null) {
					break;
				}
			}
			if (rotated != null) {
				open(rotated, checkpoint.fileKey(), true);
			}
			else {
				logger.info("Dropping the checkpoint of " + checkpoint.path() + ": the file is gone");
				this.checkpoints.remove(checkpoint.fileId());
			}
		}
	}

	private void open(Path path, String key, boolean gone) throws IOException {
		Checkpoints.Checkpoint checkpoint = this.checkpoints.byFileKey(key);
		String fileId = (checkpoint != null) ? checkpoint.fileId() : newFileId(key);
		long position = (checkpoint != null) ? checkpoint.position() : 0;
		try {
			TailedFile file = new TailedFile(path, key, fileId, position);
			file.gone = gone;
			this.files.put(key, file);
		}
		catch (NoSuchFileException ex) {
			// gone between the listing and the open: the next poll sees what replaced it
		}
	}

	private void ship(TailedFile file) throws IOException {
		LogSettings.Shipper shipper = this.settings.shipper();
		long size = file.size();
		if (size < file.position) {
			logger.info(file.path + " was truncated (" + size + " bytes, read up to " + file.position
					+ "): shipping it again from the start");
			this.checkpoints.remove(file.fileId);
			file.fileId = newFileId(file.fileKey);
			file.position = 0;
		}
		// a bounded share per poll: a file with a long backlog leaves the scheduler's
		// thread to the other files and tasks in between
		for (int batch = 0; batch < MAX_BATCHES_PER_POLL && file.position < size; batch++) {
			int read = file.read(this.buffer);
			if (read == 0) {
				return;
			}
			boolean finished = file.gone && file.idleFor(shipper.closeAfter().toNanos());
			List<Events.Event> events = Events.cut(this.buffer, read, file.position, shipper.maxLines(), finished);
			boolean atEnd = file.position + read >= size;
			if (atEnd && !finished && !events.isEmpty() && !events.get(events.size() - 1).json
					&& !file.idleFor(shipper.multilineTimeout().toNanos())) {
				// a stack trace may still be being written: wait for its next lines
				events.remove(events.size() - 1);
			}
			if (events.isEmpty()) {
				return;
			}
			publish(file, events);
		}
	}

	private void publish(TailedFile file, List<Events.Event> events) {
		List<Line> lines = events.stream()
			.map((event) -> new Line(file.path.toString(), file.fileId, event.start, event.text()))
			.toList();
		try {
			this.messaging.publish(OutgoingMessage.of(this.settings.topic(), this.source,
					new LinesShipped(this.source, Instant.now(), lines)));
		}
		catch (PayloadTooLargeException ex) {
			if (events.size() == 1) {
				throw ex;
			}
			// lines that grow much when escaped as JSON: send the batch in two halves
			publish(file, new ArrayList<>(events.subList(0, events.size() / 2)));
			publish(file, new ArrayList<>(events.subList(events.size() / 2, events.size())));
			return;
		}
		file.position = events.get(events.size() - 1).end;
		this.checkpoints
			.put(new Checkpoints.Checkpoint(file.fileId, file.fileKey, file.path.toString(), file.position));
		this.shipped.increment(lines.size());
	}

	private void closeIfDone(TailedFile file) throws IOException {
		if (file.gone && file.position >= file.size() && file.idleFor(this.settings.shipper().closeAfter().toNanos())) {
			file.close();
			this.files.remove(file.fileKey);
			this.checkpoints.remove(file.fileId);
		}
	}

	@PreDestroy
	synchronized void close() throws IOException {
		for (TailedFile file : this.files.values()) {
			file.close();
		}
		this.files.clear();
	}

	static String fileKey(Path path) {
		try {
			BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
			if (!attributes.isRegularFile()) {
				return null;
			}
			Object key = attributes.fileKey();
			return (key != null) ? key.toString() : path.toAbsolutePath().toString();
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static String newFileId(String fileKey) {
		return fileKey + "@" + Instant.now().toEpochMilli();
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

}
