package io.mqlab.logs.ship;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each file's confirmed read position, kept in one small JSON file that is replaced
 * atomically (written beside it, forced to disk, renamed over it): a crash leaves either
 * the old or the new positions, never a torn file.
 */
final class Checkpoints {

	private final Path file;

	private final JsonMapper jsonMapper;

	private final Map<String, Checkpoint> byFileId = new LinkedHashMap<>();

	Checkpoints(Path file, JsonMapper jsonMapper) {
		this.file = file.toAbsolutePath();
		this.jsonMapper = jsonMapper;
		if (Files.exists(this.file)) {
			List<Checkpoint> saved = jsonMapper.readValue(this.file.toFile(), new TypeReference<List<Checkpoint>>() {
			});
			saved.forEach((checkpoint) -> this.byFileId.put(checkpoint.fileId(), checkpoint));
		}
	}

	List<Checkpoint> all() {
		return new ArrayList<>(this.byFileId.values());
	}

	Checkpoint byFileKey(String fileKey) {
		return this.byFileId.values()
			.stream()
			.filter((checkpoint) -> checkpoint.fileKey().equals(fileKey))
			.findFirst()
			.orElse(null);
	}

	void put(Checkpoint checkpoint) {
		this.byFileId.put(checkpoint.fileId(), checkpoint);
		save();
	}

	void remove(String fileId) {
		if (this.byFileId.remove(fileId) != null) {
			save();
		}
	}

	private void save() {
		try {
			Files.createDirectories(this.file.getParent());
			Path next = this.file.resolveSibling(this.file.getFileName() + ".next");
			byte[] json = this.jsonMapper.writeValueAsBytes(all());
			try (FileChannel channel = FileChannel.open(next, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
					StandardOpenOption.TRUNCATE_EXISTING)) {
				channel.write(java.nio.ByteBuffer.wrap(json));
				channel.force(true);
			}
			Files.move(next, this.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write the shipper's checkpoints to " + this.file, ex);
		}
	}

	/**
	 * Where the shipper is in one file.
	 *
	 * @param fileId the identity the file's lines carry
	 * @param fileKey the file system's key (device and inode)
	 * @param path where the file was last seen
	 * @param position the byte offset up to which the broker confirmed every line
	 */
	record Checkpoint(String fileId, String fileKey, String path, long position) {

	}

}
