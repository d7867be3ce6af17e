package io.mqlab.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.mqlab.messaging.contract.TestBrokers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenSearch the tests use ({@code -Dmqlab.test.opensearch}, else
 * {@link TestBrokers#opensearch()}: the machine's on 127.0.0.1:9200, or a container), and
 * plain HTTP searches to check what is in it independently of the service's own search
 * API.
 */
final class TestOpenSearch {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private TestOpenSearch() {
	}

	static String url() {
		return System.getProperty("mqlab.test.opensearch", "http://" + TestBrokers.opensearch().address());
	}

	/** Its port (a proxy on loopback forwards to it). */
	static int port() {
		return URI.create(url()).getPort();
	}

	/** Searches after a refresh, so everything indexed so far is counted. */
	static JsonNode search(String pattern, String body) {
		return search(url(), pattern, body);
	}

	/** Searches another node (a test's own) after a refresh. */
	static JsonNode search(String url, String pattern, String body) {
		try {
			send(url, "POST", "/" + pattern + "/_refresh?ignore_unavailable=true&allow_no_indices=true", "");
			return JsonMapper.shared()
				.readTree(send(url, "POST", "/" + pattern + "/_search?ignore_unavailable=true&allow_no_indices=true",
						body));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Searches without a refresh: what the index's own refresh has made searchable. */
	static JsonNode searchAsIs(String pattern, String body) {
		try {
			return JsonMapper.shared()
				.readTree(send(url(), "POST", "/" + pattern + "/_search?ignore_unavailable=true&allow_no_indices=true",
						body));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A request to the node; the answer's body, unless its status is not 2xx. */
	static String send(String url, String method, String path, String body) throws IOException {
		try {
			HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + path))
				.method(method, HttpRequest.BodyPublishers.ofString(body))
				.header("Content-Type", "application/json")
				.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() / 100 != 2) {
				throw new IOException(method + " " + path + ": " + response.statusCode() + " " + response.body());
			}
			return response.body();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

}
