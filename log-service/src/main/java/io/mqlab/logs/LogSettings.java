package io.mqlab.logs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings under {@code mqlab.logs}.
 *
 * @param topic where the shipper publishes batches of lines and the indexer reads them
 * @param indexPrefix daily indices are this plus {@code yyyy.MM.dd}; the index template
 * covers {@code <prefix>*}
 * @param retention indices whose day is older than this are deleted
 * @param opensearch where OpenSearch is
 * @param shipper the shipper role
 * @param indexer the indexer role
 * @param search the search API, tail and page
 */
@ConfigurationProperties("mqlab.logs")
public record LogSettings(@DefaultValue("logs") String topic, @DefaultValue("logs-") String indexPrefix,
		@DefaultValue("7d") Duration retention, @DefaultValue OpenSearch opensearch, @DefaultValue Shipper shipper,
		@DefaultValue Indexer indexer, @DefaultValue Search search) {

	/**
	 * @param url OpenSearch's HTTP address
	 * @param username basic auth user, or empty for none
	 * @param password its password
	 */
	public record OpenSearch(@DefaultValue("http://127.0.0.1:9200") String url, @DefaultValue("") String username,
			@DefaultValue("") String password) {

	}

	/**
	 * @param enabled whether this instance ships files
	 * @param paths glob patterns of the files to ship (also files that appear later)
	 * @param source the name this shipper's lines carry, and their ordering key (empty:
	 * the host name)
	 * @param checkpoints the file holding each file's confirmed read position
	 * @param maxLines most lines (events) in one published batch
	 * @param maxBytes most bytes of lines in one published batch; a longer line is cut
	 * into pieces of this size
	 * @param pollInterval how often the files are looked at
	 * @param multilineTimeout how long a multi-line event that ends a file waits for more
	 * continuation lines before it is shipped
	 * @param closeAfter a file gone from the globs (rotated away, deleted) is read to its
	 * end and closed after it has not grown for this long
	 * @param retryInterval how long the shipper waits after a failed publish (the files
	 * are the spool)
	 */
	public record Shipper(@DefaultValue("true") boolean enabled, @DefaultValue(".mqlab/logs/*.log") List<String> paths,
			@DefaultValue("") String source, @DefaultValue(".mqlab/log-shipper/checkpoints.json") Path checkpoints,
			@DefaultValue("500") int maxLines, @DefaultValue("256KB") DataSize maxBytes,
			@DefaultValue("250ms") Duration pollInterval, @DefaultValue("1s") Duration multilineTimeout,
			@DefaultValue("5s") Duration closeAfter, @DefaultValue("2s") Duration retryInterval) {

	}

	/**
	 * @param enabled whether this instance indexes
	 * @param group the consumer group of the indexers
	 * @param maxAttempts how often a batch is tried (OpenSearch down, items it could not
	 * take yet) before it is dead-lettered with the reason
	 * @param initialDelay the wait before the first retry of a batch
	 * @param maxDelay the longest wait between retries (the backoff doubles up to it)
	 */
	public record Indexer(@DefaultValue("true") boolean enabled, @DefaultValue("log-indexer") String group,
			@DefaultValue("50") int maxAttempts, @DefaultValue("500ms") Duration initialDelay,
			@DefaultValue("15s") Duration maxDelay) {

	}

	/**
	 * @param enabled whether this instance serves the search API, the tail and the page
	 * @param maxSize the most hits one search returns
	 * @param maxTails live tails served at once
	 * @param tailBatch the most lines one tail sends per poll; more are counted as
	 * dropped
	 * @param tailInterval how often a live tail asks the index for new lines
	 * @param tailLag how far behind the present a live tail reads: the index's refresh
	 * interval (1 s), and margin
	 */
	public record Search(@DefaultValue("true") boolean enabled, @DefaultValue("500") int maxSize,
			@DefaultValue("20") int maxTails, @DefaultValue("200") int tailBatch,
			@DefaultValue("1s") Duration tailInterval, @DefaultValue("2s") Duration tailLag) {

	}

}
