package io.mqlab.platform.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An HTTP client as the load's users are: JSON in, status and JSON out, and an
 * {@link IOException} when the service is not there (killed, restarting).
 */
final class Client {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

	Response post(int port, String path, String json, String idempotencyKey) throws IOException {
		HttpRequest.Builder request = request(port, path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json));
		if (idempotencyKey != null) {
			request.header("Idempotency-Key", idempotencyKey);
		}
		return send(request.build());
	}

	Response get(int port, String path) throws IOException {
		return send(request(port, path).GET().build());
	}

	private static HttpRequest.Builder request(int port, String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(TIMEOUT);
	}

	private Response send(HttpRequest request) throws IOException {
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			String body = response.body();
			JsonNode json = (body == null || body.isBlank() || !body.trim().startsWith("{")) ? null
					: JsonMapper.shared().readTree(body);
			return new Response(response.statusCode(), json);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted", ex);
		}
	}

	record Response(int status, JsonNode body) {

	}

}
