package io.mqlab.logs;

import java.time.Instant;
import java.util.List;

/**
 * One published batch of log events from one file: what the shipper publishes to
 * {@code logs} and the indexer indexes with one bulk request.
 *
 * @param source the shipper that read them (also the message key)
 * @param readAt when the shipper read them: the time of a line that has none of its own
 * @param lines the events, in file order
 */
public record LinesShipped(String source, Instant readAt, List<Line> lines) {

	/**
	 * One event: a line, or a multi-line stack trace grouped into one.
	 *
	 * @param file the file's path as the shipper saw it
	 * @param fileId the file's identity: its file key (inode) and when the shipper first
	 * read it, new after a truncation, so positions never repeat within one id
	 * @param position the byte offset of the event's first line
	 * @param text the raw text, without the line end
	 */
	public record Line(String file, String fileId, long position, String text) {

	}

}
