package io.mqlab.support;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * A small HTTP client for one service instance in tests: JSON in, status, content type
 * and JSON out. Error statuses are answers to assert on, not exceptions.
 */
public final class Http {

	private final RestClient client;

	public Http(int port) {
		this.client = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + port)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
	}

	public Response post(String path, String json) {
		return this.client.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.body(json)
			.exchange((request, response) -> new Response(response.getStatusCode().value(),
					String.valueOf(response.getHeaders().getContentType()), read(response.getBody().readAllBytes())));
	}

	public Response delete(String path) {
		return this.client.delete()
			.uri(path)
			.exchange((request, response) -> new Response(response.getStatusCode().value(),
					String.valueOf(response.getHeaders().getContentType()), read(response.getBody().readAllBytes())));
	}

	public Response get(String path) {
		return this.client.get()
			.uri(path)
			.exchange((request, response) -> new Response(response.getStatusCode().value(),
					String.valueOf(response.getHeaders().getContentType()), read(response.getBody().readAllBytes())));
	}

	private static JsonNode read(byte[] body) {
		try {
			return (body.length == 0) ? JsonMapper.shared().nullNode() : JsonMapper.shared().readTree(body);
		}
		catch (RuntimeException ex) {
			return JsonMapper.shared().getNodeFactory().stringNode(new String(body));
		}
	}

	public record Response(int status, String contentType, JsonNode body) {

	}

}
