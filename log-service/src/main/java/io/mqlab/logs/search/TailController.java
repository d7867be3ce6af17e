package io.mqlab.logs.search;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.mqlab.logs.LogSettings;
import io.mqlab.logs.index.LogIndices;
import io.mqlab.support.Problems;
import io.mqlab.support.Problems.FieldError;
import jakarta.annotation.PreDestroy;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /logs/tail}: the lines indexed from now on that match, as server-sent events
 * ({@code line}). Each tail asks the index every {@code mqlab.logs.search.tail-interval}
 * (1 s) for the lines indexed since it last asked (by {@code indexedAt},
 * {@code mqlab.logs.search.tail-lag} behind the present so that the index has made them
 * searchable, whichever indexer wrote them) and sends at most
 * {@code mqlab.logs.search.tail-batch} of them; when more matched, it sends a
 * {@code dropped} event with how many it left out, and the running total, rather than
 * falling behind without a word. Open tails are completed when the application stops,
 * before the web server's graceful shutdown, which would otherwise wait for them.
 */
@RestController
@ConditionalOnProperty(name = "mqlab.logs.search.enabled", matchIfMissing = true)
class TailController implements SmartLifecycle {

	private final OpenSearchJson opensearch;

	private final LogIndices indices;

	private final LogSettings settings;

	private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, (task) -> {
		Thread thread = new Thread(task, "log-tail");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicInteger open = new AtomicInteger();

	private final Set<Tail> tails = ConcurrentHashMap.newKeySet();

	private volatile boolean running;

	TailController(OpenSearchJson opensearch, LogIndices indices, LogSettings settings) {
		this.opensearch = opensearch;
		this.indices = indices;
		this.settings = settings;
	}

	@GetMapping(path = "/logs/tail", produces = { MediaType.TEXT_EVENT_STREAM_VALUE, MediaType.ALL_VALUE })
	ResponseEntity<Object> tail(HttpServletRequest request) {
		List<FieldError> errors = new ArrayList<>();
		LogQuery query = LogQuery.read(request.getParameterMap(), LogQuery.TAIL_PARAMETERS, 1, Duration.ZERO,
				Instant.now(), errors);
		if (!errors.isEmpty()) {
			return ResponseEntity.badRequest()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.body(Problems.validation(errors));
		}
		if (this.open.incrementAndGet() > this.settings.search().maxTails()) {
			this.open.decrementAndGet();
			return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.body(Problems.of(HttpStatus.TOO_MANY_REQUESTS, "too-many-tails", "Too many live tails",
						"At most " + this.settings.search().maxTails() + " live tails at once", Map.of()));
		}
		SseEmitter emitter = new SseEmitter(Duration.ofMinutes(30).toMillis());
		try {
			// sends the headers at once: a client knows the tail is open before any line
			emitter.send(SseEmitter.event().comment("tail open"));
		}
		catch (IOException ex) {
			this.open.decrementAndGet();
			throw new java.io.UncheckedIOException(ex);
		}
		Tail tail = new Tail(query, emitter, Instant.now().minus(this.settings.search().tailLag()));
		this.tails.add(tail);
		long interval = this.settings.search().tailInterval().toMillis();
		tail.future = this.executor.scheduleWithFixedDelay(tail::poll, 0, interval, TimeUnit.MILLISECONDS);
		emitter.onCompletion(tail::stop);
		emitter.onTimeout(tail::stop);
		emitter.onError((ex) -> tail.stop());
		return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(emitter);
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Completes every open tail (the clients see the stream end and may reconnect to
	 * another instance).
	 */
	@Override
	public void stop() {
		this.running = false;
		for (Tail tail : List.copyOf(this.tails)) {
			tail.stop();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@PreDestroy
	void shutdownExecutor() {
		this.executor.shutdownNow();
	}

	private final class Tail {

		private final LogQuery query;

		private final SseEmitter emitter;

		private Instant cursor;

		private long dropped;

		private volatile ScheduledFuture<?> future;

		private boolean stopped;

		Tail(LogQuery query, SseEmitter emitter, Instant cursor) {
			this.query = query;
			this.emitter = emitter;
			this.cursor = cursor;
		}

		void poll() {
			Instant until = Instant.now().minus(TailController.this.settings.search().tailLag());
			try {
				JsonNode answer = TailController.this.opensearch.search(TailController.this.indices.pattern(),
						body(until));
				JsonNode hits = answer.path("hits").path("hits");
				for (JsonNode hit : hits) {
					this.emitter
						.send(SseEmitter.event().name("line").data(hit.path("_source"), MediaType.APPLICATION_JSON));
				}
				long total = answer.path("hits").path("total").path("value").asLong();
				if (total > hits.size()) {
					this.dropped += total - hits.size();
					this.emitter.send(SseEmitter.event()
						.name("dropped")
						.data(Map.of("dropped", total - hits.size(), "droppedSoFar", this.dropped),
								MediaType.APPLICATION_JSON));
				}
				this.cursor = until;
			}
			catch (IOException | IllegalStateException ex) {
				// the client went away
				stop();
			}
			catch (RuntimeException ex) {
				// the index is down: the next poll tries again from the same point
			}
		}

		private Map<String, Object> body(Instant until) {
			Map<String, Object> bool = new LinkedHashMap<>();
			Map<String, Object> base = this.query.baseQuery();
			@SuppressWarnings("unchecked")
			Map<String, Object> inner = (Map<String, Object>) base.get("bool");
			List<Object> filter = new ArrayList<>();
			filter.add(Map.of("range", Map.of("indexedAt",
					Map.of("gt", this.cursor.toEpochMilli(), "lte", until.toEpochMilli(), "format", "epoch_millis"))));
			filter.add(this.query.facetFilter(null));
			if (this.query.traceId() != null) {
				filter.add(LogQuery.term("traceId", this.query.traceId()));
			}
			bool.put("must", inner.get("must"));
			bool.put("filter", filter);
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("query", Map.of("bool", bool));
			body.put("size", TailController.this.settings.search().tailBatch());
			body.put("track_total_hits", true);
			body.put("sort", List.of(Map.of("indexedAt", "asc"), Map.of("@timestamp", "asc"), Map.of("id", "asc")));
			return body;
		}

		synchronized void stop() {
			if (this.stopped) {
				return;
			}
			this.stopped = true;
			TailController.this.open.decrementAndGet();
			TailController.this.tails.remove(this);
			if (this.future != null) {
				this.future.cancel(false);
			}
			this.emitter.complete();
		}

	}

}
