package io.mqlab.cdc.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;

import io.micrometer.core.instrument.DistributionSummary;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes documents with external versions through OpenSearch's {@code _bulk} API, a group
 * commit: a listener thread queues its document and waits for its own answer; whichever
 * thread holds the flush sends everything queued so far as one request. While one bulk is
 * on its way the next one fills, so the index takes one request (and one translog fsync)
 * per batch rather than per change, and a lone change still goes out at once, with no
 * linger. Each document's answer is its own: a 409 (the index holds the same or a newer
 * version) is stale, any other item error fails only that change.
 */
final class BulkIndexer {

	private final OpenSearchJson opensearch;

	private final JsonMapper json;

	private final String index;

	private final int maxBatch;

	private final DistributionSummary batches;

	private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();

	private final ReentrantLock flush = new ReentrantLock();

	BulkIndexer(OpenSearchJson opensearch, JsonMapper json, String index, int maxBatch, DistributionSummary batches) {
		this.opensearch = opensearch;
		this.json = json;
		this.index = index;
		this.maxBatch = maxBatch;
		this.batches = batches;
	}

	/**
	 * Indexes the document under the id with the external version: true when written,
	 * false when the index held the same or a newer version.
	 * @throws SearchUnavailableException when OpenSearch failed the request or the item
	 */
	boolean index(String id, long version, Map<String, Object> document) throws InterruptedException {
		Pending pending = new Pending(id, version, document, new CompletableFuture<>());
		this.queue.add(pending);
		this.flush.lockInterruptibly();
		try {
			// the thread before may have sent it already; otherwise send all queued,
			// up to maxBatch a request, until it went
			while (!pending.answer().isDone()) {
				send(drain());
			}
		}
		finally {
			this.flush.unlock();
		}
		try {
			return pending.answer().get();
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof SearchUnavailableException unavailable) ? unavailable
					: new SearchUnavailableException(ex.getCause().getMessage(), ex.getCause());
		}
	}

	private List<Pending> drain() {
		List<Pending> batch = new ArrayList<>();
		Pending next;
		while (batch.size() < this.maxBatch && (next = this.queue.poll()) != null) {
			batch.add(next);
		}
		return batch;
	}

	private void send(List<Pending> batch) {
		if (batch.isEmpty()) {
			return;
		}
		this.batches.record(batch.size());
		try {
			StringBuilder body = new StringBuilder();
			for (Pending pending : batch) {
				body.append(this.json.writeValueAsString(Map.of("index",
						Map.of("_id", pending.id(), "version", pending.version(), "version_type", "external"))))
					.append('\n')
					.append(this.json.writeValueAsString(pending.document()))
					.append('\n');
			}
			JsonNode answer = this.opensearch.ok("POST", "/" + this.index + "/_bulk", Map.of(), body.toString());
			JsonNode items = answer.path("items");
			for (int i = 0; i < batch.size(); i++) {
				JsonNode item = items.path(i).path("index");
				int status = item.path("status").asInt(0);
				Pending pending = batch.get(i);
				if (status / 100 == 2) {
					pending.answer().complete(true);
				}
				else if (status == 409) {
					pending.answer().complete(false);
				}
				else {
					pending.answer()
						.completeExceptionally(new SearchUnavailableException(
								"OpenSearch answered " + status + " for " + pending.id() + ": " + item.path("error"),
								null));
				}
			}
		}
		catch (RuntimeException ex) {
			batch.forEach((pending) -> pending.answer().completeExceptionally(ex));
		}
	}

	private record Pending(String id, long version, Map<String, Object> document, CompletableFuture<Boolean> answer) {

	}

}
