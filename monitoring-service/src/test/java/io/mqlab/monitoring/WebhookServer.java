package io.mqlab.monitoring;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP server on a random local port with two webhooks: {@code /flaky} answers 500
 * to the first {@code failures} calls of each notification (by its Idempotency-Key) and
 * 204 after, {@code /broken} always 500. It keeps every call, and the bodies of the ones
 * it accepted.
 */
final class WebhookServer implements AutoCloseable {

	private final HttpServer server;

	private final AtomicInteger flakyCalls = new AtomicInteger();

	private final AtomicInteger brokenCalls = new AtomicInteger();

	private final Map<String, AtomicInteger> callsByKey = new ConcurrentHashMap<>();

	private final List<JsonNode> accepted = new CopyOnWriteArrayList<>();

	private final int failures;

	WebhookServer(int failures) throws IOException {
		this.failures = failures;
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/flaky", (exchange) -> {
			JsonNode body = read(exchange);
			this.flakyCalls.incrementAndGet();
			String key = String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
			if (this.callsByKey.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet() <= this.failures) {
				answer(exchange, 500);
				return;
			}
			this.accepted.add(body);
			answer(exchange, 204);
		});
		this.server.createContext("/broken", (exchange) -> {
			read(exchange);
			this.brokenCalls.incrementAndGet();
			answer(exchange, 500);
		});
		this.server.start();
	}

	String url(String path) {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + path;
	}

	int flakyCalls() {
		return this.flakyCalls.get();
	}

	int brokenCalls() {
		return this.brokenCalls.get();
	}

	/** How often a notification was tried. */
	int calls(String dedupKey) {
		AtomicInteger calls = this.callsByKey.get(dedupKey);
		return (calls != null) ? calls.get() : 0;
	}

	/** The notifications accepted for one rule. */
	List<JsonNode> accepted(String rule) {
		return this.accepted.stream().filter((body) -> rule.equals(body.get("rule").asString())).toList();
	}

	private static JsonNode read(HttpExchange exchange) throws IOException {
		try (InputStream in = exchange.getRequestBody()) {
			return JsonMapper.shared().readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
		}
	}

	private static void answer(HttpExchange exchange, int status) throws IOException {
		exchange.sendResponseHeaders(status, -1);
		exchange.close();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
