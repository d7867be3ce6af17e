package io.mqlab.logs.index;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;

/**
 * The daily indices {@code <prefix>yyyy.MM.dd} (UTC days) and their index template.
 */
public final class LogIndices {

	static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);

	private final OpenSearchClient client;

	private final String prefix;

	private volatile boolean templateInstalled;

	public LogIndices(OpenSearchClient client, String prefix) {
		this.client = client;
		this.prefix = prefix;
	}

	public String prefix() {
		return this.prefix;
	}

	/** The pattern of every daily index, for searches. */
	public String pattern() {
		return this.prefix + "*";
	}

	public String indexOf(Instant timestamp) {
		return this.prefix + DAY.format(timestamp);
	}

	/** The day of an index of ours, or {@code null} for another name. */
	LocalDate dayOf(String index) {
		if (!index.startsWith(this.prefix)) {
			return null;
		}
		try {
			return LocalDate.parse(index.substring(this.prefix.length()), DAY);
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	/**
	 * The template name: one per prefix, so runs with their own prefix do not collide.
	 */
	String templateName() {
		return "mqlab-" + this.prefix.replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
	}

	/** Puts the index template unless this instance already did. */
	public void ensureTemplate() throws IOException {
		if (this.templateInstalled) {
			return;
		}
		String json = template().replace("${pattern}", pattern());
		try (Response response = this.client.generic()
			.execute(Requests.builder()
				.method("PUT")
				.endpoint("/_index_template/" + templateName())
				.body(Body.from(json.getBytes(StandardCharsets.UTF_8), "application/json"))
				.build())) {
			if (response.getStatus() / 100 != 2) {
				String body = response.getBody().map(Body::bodyAsString).orElse("");
				throw new IOException("OpenSearch refused the index template (" + response.getStatus() + "): " + body);
			}
		}
		this.templateInstalled = true;
	}

	/** Every index of ours. */
	public List<String> list() throws IOException {
		return new ArrayList<>(this.client.indices()
			.get((get) -> get.index(pattern()).ignoreUnavailable(true).allowNoIndices(true))
			.result()
			.keySet());
	}

	/** Deletes every index of ours (tests). */
	public void deleteAll() throws IOException {
		for (String index : list()) {
			this.client.indices().delete((delete) -> delete.index(index).ignoreUnavailable(true));
		}
		try (Response response = this.client.generic()
			.execute(Requests.builder().method("DELETE").endpoint("/_index_template/" + templateName()).build())) {
			this.templateInstalled = false;
		}
	}

	private static String template() {
		try (InputStream in = LogIndices.class.getResourceAsStream("template.json")) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
