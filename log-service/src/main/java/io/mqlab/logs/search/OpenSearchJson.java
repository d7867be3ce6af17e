package io.mqlab.logs.search;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Searches sent as JSON through the official client's generic API: the query DSL as the
 * page and the tail build it, the answer as a tree.
 */
class OpenSearchJson {

	private final OpenSearchClient client;

	private final JsonMapper jsonMapper;

	OpenSearchJson(OpenSearchClient client, JsonMapper jsonMapper) {
		this.client = client;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Runs a search over the indices of the pattern (none yet: no hits).
	 * @throws SearchRejectedException when OpenSearch says the request is wrong (4xx)
	 * @throws SearchUnavailableException when OpenSearch cannot be reached or fails
	 */
	JsonNode search(String pattern, Object body) {
		byte[] json = this.jsonMapper.writeValueAsBytes(body);
		try (Response response = this.client.generic()
			.execute(Requests.builder()
				.method("POST")
				.endpoint("/" + pattern + "/_search")
				.query(java.util.Map.of("ignore_unavailable", "true", "allow_no_indices", "true"))
				.body(Body.from(json, "application/json"))
				.build())) {
			String answer = response.getBody().map(Body::bodyAsString).orElse("{}");
			JsonNode tree = this.jsonMapper.readTree(answer);
			if (response.getStatus() / 100 == 2) {
				return tree;
			}
			String reason = tree.path("error").path("root_cause").path(0).path("reason").asString("");
			if (reason.isEmpty()) {
				reason = tree.path("error").path("reason").asString(answer);
			}
			if (response.getStatus() / 100 == 4 && response.getStatus() != 429) {
				throw new SearchRejectedException(reason);
			}
			throw new SearchUnavailableException("OpenSearch answered " + response.getStatus() + ": " + reason, null);
		}
		catch (IOException ex) {
			throw new SearchUnavailableException("OpenSearch is unreachable: " + ex.getMessage(), ex);
		}
		catch (SearchRejectedException | SearchUnavailableException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			// the transport wraps what went wrong on the wire
			throw new SearchUnavailableException("OpenSearch failed: " + ex.getMessage(), ex);
		}
	}

	/** OpenSearch refused the search as the client asked it. */
	static final class SearchRejectedException extends RuntimeException {

		SearchRejectedException(String message) {
			super(message);
		}

	}

	/** OpenSearch is down or failed. */
	static final class SearchUnavailableException extends RuntimeException {

		SearchUnavailableException(String message, Throwable cause) {
			super(message, cause);
		}

	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
