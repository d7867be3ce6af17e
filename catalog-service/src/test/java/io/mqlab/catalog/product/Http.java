package io.mqlab.catalog.product;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A JSON client for the tests that hands back every answer, errors included. */
record Http(int port) {

	private static final HttpClient CLIENT = HttpClient.newHttpClient();

	Response get(String path) {
		return send("GET", path, null);
	}

	Response post(String path, String json) {
		return send("POST", path, json);
	}

	Response put(String path, String json) {
		return send("PUT", path, json);
	}

	Response delete(String path) {
		return send("DELETE", path, null);
	}

	Response send(String method, String path, String json) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path));
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		request.method(method,
				(json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody());
		try {
			HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
			String contentType = response.headers().firstValue("Content-Type").orElse("");
			JsonNode body = (response.body().isEmpty() || !contentType.contains("json"))
					? JsonMapper.shared().createObjectNode() : JsonMapper.shared().readTree(response.body());
			return new Response(response.statusCode(), response.headers().firstValue("Location").orElse(null),
					contentType, body, response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	record Response(int status, String location, String contentType, JsonNode body, String text) {

	}

}
