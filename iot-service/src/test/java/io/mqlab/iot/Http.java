package io.mqlab.iot;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/** A small HTTP client for one instance: JSON in, status, content type and JSON out. */
final class Http {

	private final RestClient client;

	Http(int port) {
		this.client = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + port)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
	}

	Response post(String path, String json) {
		return this.client.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.body(json)
			.exchange((request, response) -> new Response(response.getStatusCode().value(),
					String.valueOf(response.getHeaders().getContentType()), read(response.getBody().readAllBytes())));
	}

	Response get(String path) {
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

	record Response(int status, String contentType, JsonNode body) {

	}

}
