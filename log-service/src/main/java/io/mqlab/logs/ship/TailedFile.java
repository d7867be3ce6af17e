package io.mqlab.logs.ship;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One file being shipped, held open: after a rotation renames it, the shipper still reads
 * what was written to it before, then closes it.
 */
final class TailedFile implements AutoCloseable {

	final String fileKey;

	Path path;

	String fileId;

	/** Confirmed: every event before it was published. */
	long position;

	/** Whether the globs still match it. */
	boolean gone;

	/** When its size last changed (or it was opened). */
	long lastGrowthNanos = System.nanoTime();

	long lastSize = -1;

	private final FileChannel channel;

	TailedFile(Path path, String fileKey, String fileId, long position) throws IOException {
		this.path = path;
		this.fileKey = fileKey;
		this.fileId = fileId;
		this.position = position;
		this.channel = FileChannel.open(path, StandardOpenOption.READ);
	}

	/** The current size, through the open handle (the size of a renamed file too). */
	long size() throws IOException {
		long size = this.channel.size();
		if (size != this.lastSize) {
			this.lastSize = size;
			this.lastGrowthNanos = System.nanoTime();
		}
		return size;
	}

	/** Reads from the confirmed position into {@code buffer}; returns the bytes read. */
	int read(byte[] buffer) throws IOException {
		ByteBuffer target = ByteBuffer.wrap(buffer);
		long at = this.position;
		while (target.hasRemaining()) {
			int read = this.channel.read(target, at);
			if (read <= 0) {
				break;
			}
			at += read;
		}
		return target.position();
	}

	boolean idleFor(long nanos) {
		return System.nanoTime() - this.lastGrowthNanos >= nanos;
	}

	@Override
	public void close() throws IOException {
		this.channel.close();
	}

}
