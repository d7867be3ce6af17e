package io.mqlab.recommendation.export;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Gzip-compressed JSON Lines, one open file per dataset and date, under {@code
 *
<dir>
 * /<dataset>/date=<yyyy-MM-dd>/}. A file is written as
 * {@code part-<instance>-<n>.jsonl.gz.inprogress} and renamed to
 * {@code part-<instance>-<n>.jsonl.gz} when it is closed, so every {@code .jsonl.gz} file
 * is a complete gzip stream a reader can take.
 */
final class JsonLinesFiles implements AutoCloseable {

	private static final String IN_PROGRESS = ".inprogress";

	private final Path directory;

	private final String instance;

	private final Map<String, Open> open = new HashMap<>();

	private long sequence = System.currentTimeMillis();

	JsonLinesFiles(Path directory, String instance) {
		this.directory = directory;
		this.instance = instance;
	}

	synchronized void append(String dataset, LocalDate date, String json) {
		String partition = dataset + "/date=" + date;
		Open file = this.open.get(partition);
		try {
			if (file == null) {
				file = open(partition);
				this.open.put(partition, file);
			}
			file.writer.write(json);
			file.writer.write('\n');
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write training data to " + file, ex);
		}
	}

	/** Closes every open file, so what was written so far is complete and visible. */
	synchronized void rotate() {
		IOException failure = null;
		for (Open file : this.open.values()) {
			try {
				file.close();
			}
			catch (IOException ex) {
				failure = ex;
			}
		}
		this.open.clear();
		if (failure != null) {
			throw new UncheckedIOException("Cannot close training data files", failure);
		}
	}

	@Override
	public void close() {
		rotate();
	}

	private Open open(String partition) throws IOException {
		Path dir = this.directory.resolve(partition);
		Files.createDirectories(dir);
		Path done = dir.resolve("part-" + this.instance + "-" + (this.sequence++) + ".jsonl.gz");
		Path writing = done.resolveSibling(done.getFileName() + IN_PROGRESS);
		Writer writer = new BufferedWriter(
				new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(writing)), StandardCharsets.UTF_8));
		return new Open(writing, done, writer);
	}

	private record Open(Path writing, Path done, Writer writer) {

		void close() throws IOException {
			this.writer.close();
			Files.move(this.writing, this.done, StandardCopyOption.ATOMIC_MOVE);
		}

	}

}
