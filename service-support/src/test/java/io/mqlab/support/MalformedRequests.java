package io.mqlab.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sends a service malformed requests over a raw socket, as a careless or hostile client
 * would (an HTTP client library refuses to build most of them): bad percent-encoding,
 * huge and wrong-typed values, overlong values, broken JSON and wrong content types, in
 * every path variable, query parameter and JSON field of the endpoints it is given.
 * Shared with the services' tests through service-support's test jar.
 */
public final class MalformedRequests {

	/** Values that are malformed, absurd or of the wrong type in most places. */
	static final List<String> VALUES = List.of("%", "%2", "%E0%A4%A", "%F0%9", "%ZZ", "%C0%AF", "%FF%FE", "%ED%A0%80",
			"%00", "%u0041", "%25", "%2e%2e%2f", "99999999999999999999999999", "-99999999999999999999", "2147483648",
			"-2147483649", "1e400", "-1", "0", "NaN", "abc", "", "true", "%5B%5D", "%7B%7D", "null", "x".repeat(5000),
			"%E2%82%AC".repeat(700), "2026-13-45T99:99:99Z", "PT-1S", "P9999999999D", "..", "a%0D%0Ab", "%22%3C%3E");

	/** Request bodies that are not JSON, or JSON of the wrong shape. */
	static final List<String> BODIES = List.of("", "{", "}", "[", "\"", "{\"a\":", "null", "[]", "{}", "1e999999",
			"{\"a\":1}", "[[[[[[[[[[]]]]]]]]]]", "[".repeat(3000) + "]".repeat(3000),
			"{\"x\":\"" + "y".repeat(20_000) + "\"}", "\u00ff\u00fe{}", "{\"a\":1,\"a\":2}",
			"[" + "{},".repeat(2000) + "{}]");

	/** Values put into each JSON field of a valid body in turn. */
	static final List<String> FIELD_VALUES = List.of("null", "1", "-1", "1e400", "99999999999999999999999999", "\"\"",
			"\"" + "z".repeat(10_000) + "\"", "[]", "{}", "true", "\"2026-13-45T99:99:99Z\"",
			"\"+999999999-12-31T23:59:59Z\"", "\"-999999999-01-01T00:00:00Z\"", "\"\\u0000\"", "[null]", "[{}]",
			"\"%E0%A4%A\"");

	/** Content types a JSON endpoint does not take, or takes with a broken parameter. */
	static final List<String> CONTENT_TYPES = List.of("text/plain", "application/xml",
			"application/x-www-form-urlencoded", "application/json; charset=nonsense",
			"application/json; charset=UTF-32", "multipart/form-data; boundary=x", "*/*", "application", "");

	private static final int CLIENTS = 4;

	private MalformedRequests() {
	}

	/**
	 * One endpoint: a method, a path with {@code {variables}} (a valid value each), query
	 * parameters (a valid value each) and, for a JSON body, a valid body whose top-level
	 * fields are mutated.
	 */
	public record Endpoint(String method, String path, Map<String, String> pathVariables, Map<String, String> query,
			Map<String, String> jsonFields) {

		public static Endpoint get(String path, Map<String, String> pathVariables, Map<String, String> query) {
			return new Endpoint("GET", path, pathVariables, query, null);
		}

		/**
		 * A POST whose valid body is the JSON object of these fields (raw JSON values).
		 */
		public static Endpoint post(String path, Map<String, String> pathVariables, Map<String, String> jsonFields) {
			return new Endpoint("POST", path, pathVariables, Map.of(), jsonFields);
		}

	}

	/** One answer: what was sent, shortened, and its status. */
	public record Answer(String request, int status) {

	}

	/**
	 * Sends every malformed variant of every endpoint, {@value #CLIENTS} at a time (most
	 * of a request's time is Tomcat and the test waiting on each other), and returns all
	 * answers in the order of the requests.
	 */
	public static List<Answer> send(int port, List<Endpoint> endpoints) throws IOException {
		List<Request> requests = endpoints.stream().flatMap((endpoint) -> requests(endpoint).stream()).toList();
		ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
		try {
			List<Future<Answer>> answers = new ArrayList<>();
			for (Request request : requests) {
				answers.add(clients.submit(() -> new Answer(request.describe(), request.send(port))));
			}
			List<Answer> received = new ArrayList<>();
			for (Future<Answer> answer : answers) {
				received.add(answer.get());
			}
			return received;
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof IOException io) ? io : new IOException(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while sending malformed requests", ex);
		}
		finally {
			clients.shutdownNow();
		}
	}

	static List<Request> requests(Endpoint endpoint) {
		List<Request> requests = new ArrayList<>();
		String body = (endpoint.jsonFields() != null) ? json(endpoint.jsonFields()) : null;
		String type = (body != null) ? "application/json" : null;
		for (String variable : endpoint.pathVariables().keySet()) {
			for (String value : VALUES) {
				Map<String, String> variables = new LinkedHashMap<>(endpoint.pathVariables());
				variables.put(variable, value);
				requests.add(new Request(endpoint.method(), target(endpoint.path(), variables, endpoint.query()), type,
						body));
			}
		}
		for (String parameter : endpoint.query().keySet()) {
			for (String value : VALUES) {
				Map<String, String> query = new LinkedHashMap<>(endpoint.query());
				query.put(parameter, value);
				requests.add(new Request(endpoint.method(), target(endpoint.path(), endpoint.pathVariables(), query),
						type, body));
			}
		}
		String valid = target(endpoint.path(), endpoint.pathVariables(), endpoint.query());
		requests.add(new Request(endpoint.method(), valid + (endpoint.query().isEmpty() ? "?" : "&") + "%E0%A4%A=1",
				type, body));
		requests.add(new Request(endpoint.method(),
				valid + (endpoint.query().isEmpty() ? "?" : "&") + "p=1&".repeat(1200) + "p=%F0%9", type, body));
		if (body != null) {
			for (String bad : BODIES) {
				requests.add(new Request(endpoint.method(), valid, type, bad));
			}
			for (String field : endpoint.jsonFields().keySet()) {
				for (String value : FIELD_VALUES) {
					Map<String, String> fields = new LinkedHashMap<>(endpoint.jsonFields());
					fields.put(field, value);
					requests.add(new Request(endpoint.method(), valid, type, json(fields)));
				}
			}
			for (String contentType : CONTENT_TYPES) {
				requests.add(new Request(endpoint.method(), valid, contentType,
						contentType.contains("form") ? "a=%E0%A4%A&b=%2" : body));
			}
		}
		return requests;
	}

	private static String target(String path, Map<String, String> variables, Map<String, String> query) {
		String target = path;
		for (Map.Entry<String, String> variable : variables.entrySet()) {
			target = target.replace("{" + variable.getKey() + "}", variable.getValue());
		}
		StringBuilder result = new StringBuilder(target);
		char separator = '?';
		for (Map.Entry<String, String> parameter : query.entrySet()) {
			result.append(separator).append(parameter.getKey()).append('=').append(parameter.getValue());
			separator = '&';
		}
		return result.toString();
	}

	private static String json(Map<String, String> fields) {
		StringBuilder json = new StringBuilder("{");
		fields.forEach((name, value) -> {
			if (json.length() > 1) {
				json.append(',');
			}
			json.append('"').append(name).append("\":").append(value);
		});
		return json.append('}').toString();
	}

	/** A request written byte for byte, so nothing fixes it on the way. */
	record Request(String method, String target, String contentType, String body) {

		String describe() {
			String shown = this.method + " " + shorten(this.target);
			if (this.body != null) {
				shown += " [" + this.contentType + "] " + shorten(this.body);
			}
			return shown;
		}

		int send(int port) throws IOException {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
				socket.setSoTimeout(30_000);
				ByteArrayOutputStream request = new ByteArrayOutputStream();
				byte[] content = (this.body != null) ? this.body.getBytes(StandardCharsets.UTF_8) : new byte[0];
				StringBuilder head = new StringBuilder().append(this.method)
					.append(' ')
					.append(this.target)
					.append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nConnection: close\r\n");
				if (this.contentType != null && !this.contentType.isEmpty()) {
					head.append("Content-Type: ").append(this.contentType).append("\r\n");
				}
				if (this.body != null || "POST".equals(this.method)) {
					head.append("Content-Length: ").append(content.length).append("\r\n");
				}
				request.write(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
				request.write(content);
				try {
					OutputStream out = socket.getOutputStream();
					out.write(request.toByteArray());
					out.flush();
				}
				catch (IOException ex) {
					// the server may answer and close before it read everything
				}
				return status(socket.getInputStream());
			}
		}

		private static int status(InputStream in) throws IOException {
			StringBuilder line = new StringBuilder();
			int read;
			while ((read = in.read()) != -1 && read != '\n') {
				line.append((char) read);
			}
			String[] parts = line.toString().split(" ");
			if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
				throw new IOException("Not an HTTP answer: '" + line + "'");
			}
			return Integer.parseInt(parts[1]);
		}

		private static String shorten(String text) {
			return (text.length() <= 120) ? text : text.substring(0, 120) + "... (" + text.length() + " chars)";
		}

	}

}
