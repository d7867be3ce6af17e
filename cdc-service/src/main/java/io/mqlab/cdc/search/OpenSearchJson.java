package io.mqlab.cdc.search;

import java.io.IOException;
import java.util.Map;

import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.opensearch.client.transport.httpclient5.ResponseException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests as JSON trees through the official client's generic API: the service's own
 * Jackson (3) writes and reads the bodies, the client's typed model (Jackson 2) is not
 * needed.
 */
final class OpenSearchJson {

	private final OpenSearchClient client;

	private final JsonMapper json;

	OpenSearchJson(OpenSearchClient client, JsonMapper json) {
		this.client = client;
		this.json = json;
	}

	/** The status and the answer of a request (body null for none). */
	Answer send(String method, String endpoint, Map<String, String> query, Object body) {
		Requests.JsonBodyBuilder request = Requests.builder().method(method).endpoint(endpoint).query(query);
		if (body != null) {
			byte[] bytes = (body instanceof String text) ? text.getBytes(java.nio.charset.StandardCharsets.UTF_8)
					: this.json.writeValueAsBytes(body);
			request.body(Body.from(bytes, body instanceof String ? "application/x-ndjson" : "application/json"));
		}
		try (Response response = this.client.generic().execute(request.build())) {
			String answer = response.getBody().map(Body::bodyAsString).orElse("{}");
			return new Answer(response.getStatus(), this.json.readTree(answer.isEmpty() ? "{}" : answer));
		}
		catch (ResponseException ex) {
			// the transport answers a 4xx or 5xx with this; its message ends with the
			// body
			String message = String.valueOf(ex.getMessage());
			int json = message.indexOf('{');
			JsonNode answer = this.json.createObjectNode();
			try {
				answer = (json >= 0) ? this.json.readTree(message.substring(json)) : answer;
			}
			catch (RuntimeException unreadable) {
				// keep the status alone
			}
			return new Answer(ex.status(), answer);
		}
		catch (IOException ex) {
			throw new SearchUnavailableException("OpenSearch is unreachable: " + ex.getMessage(), ex);
		}
	}

	/** The answer, or an exception for anything but 2xx. */
	JsonNode ok(String method, String endpoint, Map<String, String> query, Object body) {
		Answer answer = send(method, endpoint, query, body);
		if (answer.status() / 100 != 2) {
			throw new SearchUnavailableException("OpenSearch answered " + answer.status() + " to " + method + " "
					+ endpoint + ": " + answer.body().path("error"), null);
		}
		return answer.body();
	}

	record Answer(int status, JsonNode body) {

	}

}
