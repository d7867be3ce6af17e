package io.mqlab.catalog.simulate;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ./mqlab catalog [N]}: N single-row changes (default 1000) on a running
 * catalog-service, creates, updates of price, stock or text (some twice in quick
 * succession) and deletes, then one bulk import (new products and some existing ones),
 * then waits for cdc-service's consistency check to find every sink equal to the source
 * and prints it. Exits 1 when cdc-service is not running or the sinks stay different.
 * Options: {@code --import 2000} (at most 10,000), {@code --url http://127.0.0.1:8085},
 * {@code --cdc http://127.0.0.1:8086}, {@code --wait 120} (seconds), {@code --seed 1}.
 */
public final class CatalogLoad {

	private static final JsonMapper json = JsonMapper.shared();

	private static final String[] WORDS = { "camera", "lens", "tripod", "lamp", "desk", "chair", "cable", "mug", "book",
			"pen", "bag", "shirt" };

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String url;

	private final Random random;

	private final String prefix = "LOAD-" + Long.toString(System.currentTimeMillis(), 36).toUpperCase() + "-";

	/**
	 * The products this run created and has not deleted, as the service last showed them.
	 */
	private final Map<String, ObjectNode> live = new HashMap<>();

	private final List<String> skus = new ArrayList<>();

	private int created;

	private int updated;

	private int deleted;

	private int failed;

	private CatalogLoad(String url, long seed) {
		this.url = url;
		this.random = new Random(seed);
	}

	public static void main(String[] args) throws Exception {
		int changes = 1000;
		int imported = 2000;
		String url = "http://127.0.0.1:8085";
		String cdc = "http://127.0.0.1:8086";
		int waitSeconds = 120;
		long seed = 1;
		for (int i = 0; i < args.length; i++) {
			if (args[i].matches("\\d+")) {
				changes = Integer.parseInt(args[i]);
				continue;
			}
			if (i + 1 >= args.length) {
				throw usage("missing value for " + args[i]);
			}
			String value = args[++i];
			switch (args[i - 1]) {
				case "--import" -> imported = Math.min(10_000, Integer.parseInt(value));
				case "--url" -> url = value;
				case "--cdc" -> cdc = value;
				case "--wait" -> waitSeconds = Integer.parseInt(value);
				case "--seed" -> seed = Long.parseLong(value);
				default -> throw usage("unknown option " + args[i - 1]);
			}
		}
		CatalogLoad load = new CatalogLoad(url, seed);
		if (load.send("GET", cdc + "/actuator/health", null) == null) {
			System.err.println("catalog: cdc-service is not running at " + cdc
					+ ": nothing to check the changes against (./mqlab up --only cdc)");
			System.exit(1);
		}
		long started = System.nanoTime();
		load.changes(changes);
		double seconds = (System.nanoTime() - started) / 1e9;
		System.out.printf("catalog: %d changes in %.1f s (%.0f/s): %d creates, %d updates, %d deletes, %d failed%n",
				changes, seconds, changes / seconds, load.created, load.updated, load.deleted, load.failed);
		started = System.nanoTime();
		int upserted = load.bulkImport(imported);
		System.out.printf("catalog: imported %d products (%d of them existing, updated) in one transaction in %d ms%n",
				imported, upserted, (System.nanoTime() - started) / 1_000_000);
		boolean consistent = load.awaitConsistency(cdc, Duration.ofSeconds(waitSeconds));
		System.exit((consistent && load.failed == 0) ? 0 : 1);
	}

	private void changes(int count) {
		String previous = null;
		for (int i = 0; i < count; i++) {
			double pick = this.random.nextDouble();
			if (this.skus.size() < 20 || pick < 0.35) {
				create(this.prefix + i);
			}
			else if (pick < 0.85) {
				// one update in ten follows the previous one on the same row, at once
				String sku = (previous != null && this.live.containsKey(previous) && this.random.nextInt(10) == 0)
						? previous : this.skus.get(this.random.nextInt(this.skus.size()));
				update(sku);
				previous = sku;
			}
			else {
				delete(this.skus.get(this.random.nextInt(this.skus.size())));
			}
		}
	}

	private void create(String sku) {
		JsonNode answer = send("POST", this.url + "/products", product(sku).toString());
		if (answer != null) {
			remember((ObjectNode) answer);
			this.created++;
		}
	}

	private void update(String sku) {
		ObjectNode change = this.live.get(sku).deepCopy();
		change.remove("sku");
		change.remove("updatedAt");
		switch (this.random.nextInt(3)) {
			case 0 -> change.put("price", price());
			case 1 -> change.put("stock", this.random.nextInt(500));
			default -> {
				change.put("name", name());
				change.put("description", "Updated: " + name() + ", " + name());
			}
		}
		JsonNode answer = send("PUT", this.url + "/products/" + sku, change.toString());
		if (answer != null) {
			remember((ObjectNode) answer);
			this.updated++;
		}
	}

	private void delete(String sku) {
		if (send("DELETE", this.url + "/products/" + sku, null) != null) {
			this.live.remove(sku);
			this.skus.remove(sku);
			this.deleted++;
		}
	}

	/** New products and one in ten of those still live (updated by the upsert). */
	private int bulkImport(int count) {
		Set<String> chosen = new LinkedHashSet<>();
		int existing = Math.min(count / 10, this.skus.size());
		for (int i = 0; i < existing; i++) {
			chosen.add(this.skus.get(i));
		}
		for (int i = 0; chosen.size() < count; i++) {
			chosen.add(this.prefix + "IMP-" + i);
		}
		ArrayNode products = json.createArrayNode();
		chosen.forEach((sku) -> products.add(product(sku)));
		if (send("POST", this.url + "/products/import", products.toString()) == null) {
			return 0;
		}
		return existing;
	}

	private boolean awaitConsistency(String cdc, Duration wait) throws InterruptedException {
		long deadline = System.nanoTime() + wait.toNanos();
		long started = System.nanoTime();
		JsonNode report;
		while (true) {
			report = send("GET", cdc + "/cdc/consistency", null);
			boolean consistent = report != null && report.path("consistent").asBoolean(false);
			if (consistent || System.nanoTime() > deadline) {
				System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(report));
				System.out.printf(
						consistent ? "catalog: cache, index and replica equal the source (after %.1f s)%n"
								: "catalog: the sinks still differ from the source after %.0f s%n",
						(System.nanoTime() - started) / 1e9);
				return consistent;
			}
			// the sinks apply the changes asynchronously: look again in a second
			Thread.sleep(1000);
		}
	}

	private ObjectNode product(String sku) {
		ObjectNode product = json.createObjectNode();
		product.put("sku", sku);
		product.put("name", name());
		product.put("description", "A " + name() + " for the " + WORDS[this.random.nextInt(WORDS.length)]);
		product.put("price", price());
		product.put("currency", this.random.nextInt(5) == 0 ? "USD" : "EUR");
		product.put("stock", this.random.nextInt(500));
		ArrayNode tags = product.putArray("tags");
		tags.add(WORDS[this.random.nextInt(WORDS.length)]);
		if (this.random.nextBoolean()) {
			tags.add("sale");
		}
		return product;
	}

	private String name() {
		return WORDS[this.random.nextInt(WORDS.length)] + " " + (char) ('A' + this.random.nextInt(26))
				+ this.random.nextInt(1000);
	}

	private BigDecimal price() {
		return BigDecimal.valueOf(this.random.nextInt(100_000), 2);
	}

	private void remember(ObjectNode product) {
		String sku = product.get("sku").asString();
		if (this.live.put(sku, product) == null) {
			this.skus.add(sku);
		}
	}

	/** The answer's JSON (an empty object for 204), or null when it failed. */
	private JsonNode send(String method, String target, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(60));
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		request.method(method,
				(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() / 100 == 2) {
				return response.body().isEmpty() ? json.createObjectNode() : json.readTree(response.body());
			}
			if (this.failed++ < 5) {
				System.err.println("catalog: " + method + " " + target + " answered " + response.statusCode() + ": "
						+ response.body());
			}
		}
		catch (IOException ex) {
			if (!target.endsWith("/actuator/health") && this.failed++ < 5) {
				System.err.println("catalog: " + method + " " + target + " failed: " + ex);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		return null;
	}

	private static IllegalArgumentException usage(String problem) {
		return new IllegalArgumentException(
				problem + "; usage: catalog [N] [--import M] [--url URL] [--cdc URL] [--wait SECONDS] [--seed S]");
	}

}
