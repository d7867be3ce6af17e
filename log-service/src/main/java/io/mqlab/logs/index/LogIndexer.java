package io.mqlab.logs.index;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.logs.LinesShipped;
import io.mqlab.logs.LinesShipped.Line;
import io.mqlab.messaging.listener.MessageListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import tools.jackson.databind.json.JsonMapper;

/**
 * The indexer (the Logstash-to-Elasticsearch role): one bulk request per shipped batch
 * into the daily index of each event's time, with ids derived from source, file and
 * position, so a redelivered batch overwrites what it wrote before. The message is
 * acknowledged only when every item was indexed. An item OpenSearch may take later (429,
 * 5xx) or an unreachable OpenSearch fails the batch: the library retries it with backoff,
 * then dead-letters it with the reason. An item OpenSearch will never take as it is (a
 * mapping error) is indexed again as a plain message with its raw text, so one bad line
 * never holds up the rest.
 */
public class LogIndexer {

	private static final Log logger = LogFactory.getLog(LogIndexer.class);

	private final OpenSearchClient client;

	private final LogIndices indices;

	private final LogDocuments documents;

	private final Counter created;

	private final Counter updated;

	private final Counter plain;

	public LogIndexer(OpenSearchClient client, LogIndices indices, JsonMapper jsonMapper, MeterRegistry registry) {
		this.client = client;
		this.indices = indices;
		this.documents = new LogDocuments(jsonMapper);
		this.created = indexed(registry, "created");
		this.updated = indexed(registry, "updated");
		this.plain = Counter.builder("mqlab.logs.indexed.plain")
			.description("Events OpenSearch refused as parsed, indexed as plain messages")
			.register(registry);
	}

	private static Counter indexed(MeterRegistry registry, String result) {
		return Counter.builder("mqlab.logs.indexed")
			.description("Events indexed: created, or updated by a redelivery")
			.tag("result", result)
			.register(registry);
	}

	@MessageListener(topic = "${mqlab.logs.topic:logs}", group = "${mqlab.logs.indexer.group:log-indexer}",
			maxAttempts = "${mqlab.logs.indexer.max-attempts:50}",
			initialDelay = "${mqlab.logs.indexer.initial-delay:500ms}",
			maxDelay = "${mqlab.logs.indexer.max-delay:15s}")
	public void on(LinesShipped batch) throws IOException {
		if (batch.lines().isEmpty()) {
			return;
		}
		this.indices.ensureTemplate();
		Instant now = Instant.now();
		List<Map<String, Object>> parsed = new ArrayList<>(batch.lines().size());
		for (Line line : batch.lines()) {
			parsed.add(this.documents.document(batch, line, now));
		}
		List<Integer> refused = bulk(parsed, List.of(), batch.readAt());
		if (refused.isEmpty()) {
			return;
		}
		List<Map<String, Object>> fallback = new ArrayList<>(refused.size());
		for (int index : refused) {
			Map<String, Object> plain = this.documents.plain(batch, batch.lines().get(index), now);
			plain.put("indexError", parsed.get(index).get("indexError"));
			fallback.add(plain);
		}
		List<Integer> refusedAgain = bulk(fallback, refused, batch.readAt());
		if (!refusedAgain.isEmpty()) {
			throw new IllegalStateException(refusedAgain.size() + " event(s) refused even as plain messages, e.g. "
					+ fallback.get(0).get("indexError"));
		}
		this.plain.increment(fallback.size());
	}

	/**
	 * Indexes the documents; returns the positions of those OpenSearch refused for good.
	 * @throws RetriableIndexingException when an item may succeed later
	 */
	private List<Integer> bulk(List<Map<String, Object>> documents, List<Integer> positions, Instant readAt)
			throws IOException {
		List<BulkOperation> operations = new ArrayList<>(documents.size());
		for (Map<String, Object> document : documents) {
			String index = this.indices.indexOf(dayOf(Instant.parse((String) document.get("@timestamp")), readAt));
			String id = (String) document.get("id");
			operations.add(BulkOperation.of((op) -> op.index((idx) -> idx.index(index).id(id).document(document))));
		}
		BulkResponse response = this.client.bulk((bulk) -> bulk.operations(operations));
		List<Integer> refused = new ArrayList<>();
		String retriable = null;
		for (int i = 0; i < response.items().size(); i++) {
			BulkResponseItem item = response.items().get(i);
			if (item.error() == null) {
				("created".equals(item.result()) ? this.created : this.updated).increment();
				continue;
			}
			String reason = item.status() + " " + item.error().type() + ": " + item.error().reason();
			if (item.status() == 429 || item.status() >= 500) {
				retriable = reason;
			}
			else {
				logger.warn("OpenSearch refused event " + item.id() + " (" + reason + "): indexing it as plain text");
				documents.get(i).put("indexError", reason);
				refused.add(positions.isEmpty() ? i : positions.get(i));
			}
		}
		if (retriable != null) {
			throw new RetriableIndexingException("OpenSearch did not index every event, e.g. " + retriable);
		}
		return refused;
	}

	/**
	 * The time whose day holds the document: its own, unless it is more than a day off
	 * the time it was read (a clock gone wrong, a made-up time), which would create an
	 * index retention never reaches or one it deletes at once.
	 */
	static Instant dayOf(Instant timestamp, Instant readAt) {
		Duration off = Duration.between(readAt, timestamp).abs();
		return (off.compareTo(Duration.ofDays(1)) > 0) ? readAt : timestamp;
	}

	/** Some items may be indexed on a later attempt. */
	static final class RetriableIndexingException extends IOException {

		RetriableIndexingException(String message) {
			super(message);
		}

	}

}
