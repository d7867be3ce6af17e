package io.mqlab.recommendation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.messaging.Envelope;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.OutgoingMessage;
import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.recommendation.click.ClickType;
import io.mqlab.recommendation.click.Clicked;
import io.mqlab.recommendation.simulate.Shop;
import io.mqlab.recommendation.simulate.SimulatedClick;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import io.mqlab.support.Http;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The recommendation service end to end on one backend, with real brokers and the local
 * Redis: clicks go in over HTTP, through the broker, into the aggregates, and come out as
 * recommendations. One instance ("a") takes a simulated shop with hidden product groups
 * when the class starts; two more ("b") take the same clicks between them later. Topics,
 * Redis keys and files are unique per run and removed afterwards. One subclass per
 * backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RecommendationServiceTests {

	static final Duration PATIENCE = Duration.ofSeconds(60);

	/** 8 hidden groups of 6 products, 120 users, 10 % of clicks off-group. */
	static final Shop SHOP = new Shop("PL-", 8, 6, 120, 0.1);

	static final int PLANTED = 1200;

	final String run = "rec" + UUID.randomUUID().toString().substring(0, 8);

	final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

	private ServiceInstances instances;

	private Path dataDir;

	private List<SimulatedClick> planted;

	private ConfigurableApplicationContext single;

	private Http api;

	/** What the single instance answered about the shop alone, and when. */
	private Map<String, Object> baseline;

	private Instant baselineTime;

	private final TestBroker broker;

	private final Map<String, String> properties;

	RecommendationServiceTests(TestBroker broker) {
		this(broker, Map.of());
	}

	/** With properties of the test's own, e.g. another engine. */
	RecommendationServiceTests(TestBroker broker, Map<String, String> properties) {
		this.broker = broker;
		this.properties = properties;
	}

	@BeforeAll
	void startOneInstanceWithAShop() throws IOException {
		this.dataDir = Files.createTempDirectory("recommendation-" + this.run);
		this.instances = new ServiceInstances(this.broker, this.run, this.clock, this.dataDir);
		this.planted = SHOP.sessions(PLANTED, 42, this.clock.instant(), Duration.ofMillis(100));
		this.single = start("a");
		this.api = http(this.single);
		postAll(List.of(this.api), this.planted);
		awaitApplied(List.of(this.single), "click", PLANTED);
		this.baselineTime = this.clock.instant();
		this.baseline = shopAnswers(this.api);
	}

	@AfterAll
	void stopAndClean() throws IOException {
		if (this.instances != null) {
			this.instances.close();
		}
		if (this.dataDir != null) {
			try (Stream<Path> files = Files.walk(this.dataDir)) {
				files.sorted((x, y) -> y.compareTo(x)).forEach((file) -> file.toFile().delete());
			}
		}
	}

	@Test
	void plantedGroupsAreRecovered() {
		for (int group : new int[] { 0, 3, 5 }) {
			String user = "viewer" + group + "-" + this.run;
			String clicks = IntStream.range(0, 3)
				.mapToObj((p) -> new SimulatedClick(user, SHOP.sku(group, p), "VIEW", "vs" + group, null).json())
				.collect(Collectors.joining(",", "[", "]"));
			long before = applied(List.of(this.single), "click");
			assertThat(this.api.post("/clicks/batch", clicks).status()).isEqualTo(202);
			awaitApplied(List.of(this.single), "click", before + 3);
			JsonNode items = this.api.get("/recommendations/" + user + "?limit=5").body().get("items");
			assertThat(items.size()).isEqualTo(5);
			long fromGroup = items.valueStream()
				.filter((item) -> SHOP.groupOf(item.get("sku").asString()) == group)
				.count();
			assertThat(fromGroup).as("top 5 for a user of group %d: %s", group, items).isGreaterThanOrEqualTo(4);
			assertThat(items.get(0).get("reason").asString()).startsWith("co-viewed with PL-G" + group + "-");
			assertThat(items.get(0).get("basis").asString()).isEqualTo("CO_VIEWED");
		}
		// related products of a group's product come from the group
		JsonNode related = this.api.get("/products/" + SHOP.sku(2, 0) + "/related?limit=3").body().get("items");
		assertThat(related.valueStream().map((item) -> SHOP.groupOf(item.get("sku").asString()))).containsOnly(2);
	}

	@Test
	void purchasesAreLeftOutAndBoughtTogetherIsRecommended() {
		String buyer = "buyer-" + this.run;
		String a = "ORD-A-" + this.run.toUpperCase();
		String b = "ORD-B-" + this.run.toUpperCase();
		String c = "ORD-C-" + this.run.toUpperCase();
		long clicks = applied(List.of(this.single), "click");
		assertThat(this.api.post("/clicks", "{\"userId\":\"" + buyer + "\",\"sku\":\"" + a + "\",\"type\":\"VIEW\"}")
			.status()).isEqualTo(202);
		awaitApplied(List.of(this.single), "click", clicks + 1);
		Messaging messaging = this.single.getBean(Messaging.class);
		long orders = applied(List.of(this.single), "order");
		// the order service's OrderPlaced, with fields this service does not read
		messaging.publish(topic("orders", "a"), "o1", orderPlaced("o1-" + this.run, buyer, a, b));
		messaging.publish(topic("orders", "a"), "o2", orderPlaced("o2-" + this.run, "other-" + this.run, a, c));
		awaitApplied(List.of(this.single), "order", orders + 2);

		JsonNode items = this.api.get("/recommendations/" + buyer + "?limit=5").body().get("items");
		List<String> skus = items.valueStream().map((item) -> item.get("sku").asString()).toList();
		assertThat(skus).doesNotContain(a, b).isNotEmpty();
		assertThat(items.get(0).get("sku").asString()).isEqualTo(c);
		assertThat(items.get(0).get("reason").asString()).isEqualTo("bought together with " + a);
		// the rest is filled up with what trends (if anything does at this moment)
		assertThat(items.valueStream().skip(1).map((item) -> item.get("basis").asString())).containsOnly("TRENDING");
		JsonNode related = this.api.get("/products/" + a + "/related").body().get("items");
		assertThat(related.valueStream().map((item) -> item.get("sku").asString())).containsExactlyInAnyOrder(b, c);
		assertThat(related.get(0).get("basis").asString()).isEqualTo("BOUGHT_TOGETHER");
	}

	@Test
	void aNewUserGetsTrendingProducts() {
		String clicks = IntStream.range(0, 4)
			.mapToObj((i) -> new SimulatedClick("n" + i + "-" + this.run, "NEW-" + i, "VIEW", null, null).json())
			.collect(Collectors.joining(",", "[", "]"));
		long before = applied(List.of(this.single), "click");
		assertThat(this.api.post("/clicks/batch", clicks).status()).isEqualTo(202);
		awaitApplied(List.of(this.single), "click", before + 4);
		JsonNode items = this.api.get("/recommendations/nobody-" + this.run + "?limit=4").body().get("items");
		assertThat(items.size()).isEqualTo(4);
		assertThat(items.valueStream().map((item) -> item.get("reason").asString())).containsOnly("trending");
	}

	@Test
	void aBurstTrendsAndFallsOutOfItsWindows() {
		String hot = "HOT-" + this.run.toUpperCase();
		String clicks = IntStream.range(0, 100)
			.mapToObj((i) -> new SimulatedClick("t" + i + "-" + this.run, hot, "ADD_TO_CART", "ts", null).json())
			.collect(Collectors.joining(",", "[", "]"));
		long before = applied(List.of(this.single), "click");
		assertThat(this.api.post("/clicks/batch", clicks).status()).isEqualTo(202);
		awaitApplied(List.of(this.single), "click", before + 100);
		JsonNode fiveMinutes = this.api.get("/trending?window=5m&limit=3").body();
		assertThat(fiveMinutes.get("window").asString()).isEqualTo("5m");
		assertThat(fiveMinutes.get("items").get(0).get("sku").asString()).isEqualTo(hot);
		assertThat(fiveMinutes.get("items").get(0).get("score").asDouble()).isEqualTo(400.0);
		assertThat(trending("1h", 3)).contains(hot);

		this.clock.advance(Duration.ofMinutes(6));
		assertThat(trending("5m", 100)).doesNotContain(hot);
		assertThat(trending("1h", 3)).contains(hot);
		this.clock.advance(Duration.ofMinutes(60));
		assertThat(trending("1h", 100)).doesNotContain(hot);

		// event time: a click 90 s old still counts (its minute takes late clicks for 2
		// minutes), one 10 minutes old counts for everything but trending
		String recent = "RECENT-" + this.run.toUpperCase();
		String late = "LATE-" + this.run.toUpperCase();
		before = applied(List.of(this.single), "click");
		assertThat(this.api
			.post("/clicks/batch",
					"[" + click("l1", recent, this.clock.instant().minusSeconds(90)) + ","
							+ click("l2", late, this.clock.instant().minus(Duration.ofMinutes(10))) + "]")
			.status()).isEqualTo(202);
		awaitApplied(List.of(this.single), "click", before + 2);
		assertThat(trending("5m", 100)).contains(recent).doesNotContain(late);
		assertThat(trending("1h", 100)).doesNotContain(late);
	}

	@Test
	void aRedeliveredBatchChangesNothing() {
		Messaging messaging = this.single.getBean(Messaging.class);
		List<Envelope> envelopes = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			String user = "r" + (i % 5) + "-" + this.run;
			Clicked clicked = new Clicked(UUID.randomUUID(), user, "RD-" + (i % 7), ClickType.VIEW, "rs" + (i % 5),
					this.clock.instant());
			envelopes.add(messaging
				.envelope(OutgoingMessage.of(topic("clicks", "a"), user, clicked).withId(clicked.clickId())));
		}
		long before = applied(List.of(this.single), "click");
		messaging.publishAllEnvelopes(envelopes).join();
		awaitApplied(List.of(this.single), "click", before + 40);
		Map<String, Object> answers = answers(this.api, "RD-", 7, "r", 5);
		long duplicates = count(List.of(this.single), "click", "duplicate");

		// the same messages again, as a broker redelivers them, and the same clicks under
		// new message ids, as a producer retry would send them
		messaging.publishAllEnvelopes(envelopes).join();
		messaging
			.publishAllEnvelopes(envelopes.stream()
				.map((e) -> new Envelope(UUID.randomUUID(), e.topic(), e.key(), e.type(), Instant.now(), e.headers(),
						e.payload()))
				.toList())
			.join();
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(count(List.of(this.single), "click", "duplicate"))
				.isGreaterThanOrEqualTo(duplicates + 80));
		assertThat(applied(List.of(this.single), "click")).isEqualTo(before + 40);
		assertThat(answers(this.api, "RD-", 7, "r", 5)).isEqualTo(answers);
	}

	@Test
	void twoInstancesInOneGroupAnswerAsOneAndExportTrainingData() throws IOException {
		ConfigurableApplicationContext first = start("b");
		ConfigurableApplicationContext second = start("b");
		List<ConfigurableApplicationContext> pair = List.of(first, second);
		postAll(List.of(http(first), http(second)), this.planted);
		awaitApplied(pair, "click", PLANTED);

		// the same answers as the single instance had for the same clicks, at the same
		// time
		Instant now = this.clock.instant();
		this.clock.set(this.baselineTime);
		try {
			assertThat(shopAnswers(http(first))).isEqualTo(this.baseline);
			assertThat(shopAnswers(http(second))).isEqualTo(this.baseline);
		}
		finally {
			this.clock.set(now);
		}

		// training data: every click counted once, whichever instance counted it
		String fresh = IntStream.range(0, 20)
			.mapToObj((i) -> new SimulatedClick("x" + i + "-" + this.run, "FRESH-1", "CLICK", null, null).json())
			.collect(Collectors.joining(",", "[", "]"));
		assertThat(http(first).post("/clicks/batch", fresh).status()).isEqualTo(202);
		awaitApplied(pair, "click", PLANTED + 20);
		this.clock.advance(Duration.ofMinutes(3));
		await().atMost(PATIENCE).until(() -> exported(pair, "trending") > 0);
		first.close();
		second.close();
		Map<String, List<JsonNode>> data = readData(this.dataDir.resolve("b"));
		assertThat(data.get("clicks")).hasSize(PLANTED + 20);
		assertThat(data.get("clicks").stream().map((line) -> line.get("clickId").asString()).distinct())
			.hasSize(PLANTED + 20);
		assertThat(data.get("clicks").get(0).propertyNames()).contains("userId", "sku", "type", "at");
		assertThat(data.get("trending")).isNotEmpty()
			.allSatisfy(
					(line) -> assertThat(line.propertyNames()).contains("windowStart", "windowEnd", "sku", "score"));
		assertThat(data.get("trending").stream().map((line) -> line.get("sku").asString())).contains("FRESH-1");
	}

	@Test
	void anUnreadableEventIsDeadLetteredNotDropped() {
		Messaging messaging = this.single.getBean(Messaging.class);
		String user = "broken-" + this.run;
		// no click id, type or time: not a click this service published
		messaging.publish(topic("clicks", "a"), user, Map.of("userId", user, "sku", "BROKEN-1"));
		messaging.publish(topic("orders", "a"), user, Map.of("orderId", user, "items", List.of()));
		await().atMost(PATIENCE).untilAsserted(() -> {
			assertThat(messaging.deadLetters().list(topic("clicks", "a"), this.instances.group("a"), 10))
				.anySatisfy((letter) -> assertThat(letter.envelope().payload()).contains(user));
			assertThat(messaging.deadLetters().list(topic("orders", "a"), this.instances.group("a"), 10))
				.anySatisfy((letter) -> assertThat(letter.envelope().payload()).contains(user));
		});
	}

	@Test
	void badInputIsRejectedWithProblemDetailsAndNothingIsPublished() {
		double published = published(this.single);
		String future = this.clock.instant().plus(Duration.ofHours(1)).toString();
		Map<String, String> clicks = new LinkedHashMap<>();
		clicks.put("no user", "{\"sku\":\"BOOK-1\",\"type\":\"VIEW\"}");
		clicks.put("unknown type", "{\"userId\":\"u-1\",\"sku\":\"BOOK-1\",\"type\":\"PURCHASE\"}");
		clicks.put("bad sku", "{\"userId\":\"u-1\",\"sku\":\"book 1\",\"type\":\"VIEW\"}");
		clicks.put("long user", "{\"userId\":\"" + "u".repeat(65) + "\",\"sku\":\"BOOK-1\",\"type\":\"VIEW\"}");
		clicks.put("future", "{\"userId\":\"u-1\",\"sku\":\"BOOK-1\",\"type\":\"VIEW\",\"at\":\"" + future + "\"}");
		clicks.put("too old", "{\"userId\":\"u-1\",\"sku\":\"BOOK-1\",\"type\":\"VIEW\",\"at\":\""
				+ this.clock.instant().minus(Duration.ofDays(400)) + "\"}");
		clicks.put("absurd year",
				"{\"userId\":\"u-1\",\"sku\":\"BOOK-1\",\"type\":\"VIEW\",\"at\":\"-300000000-01-01T00:00:00Z\"}");
		clicks.put("bad time", "{\"userId\":\"u-1\",\"sku\":\"BOOK-1\",\"type\":\"VIEW\",\"at\":\"yesterday\"}");
		clicks.put("unknown field", "{\"userId\":\"u-1\",\"sku\":\"BOOK-1\",\"type\":\"VIEW\",\"price\":3}");
		clicks.put("malformed", "{\"userId\":");
		clicks.put("an array", "[]");
		clicks.forEach((name, body) -> assertProblem(name, this.api.post("/clicks", body)));

		String good = new SimulatedClick("u-1", "BOOK-1", "VIEW", null, null).json();
		String bad = "{\"userId\":\"u-1\",\"sku\":\"BOOK-1\",\"type\":\"VIEW\",\"sessionId\":\"no spaces\"}";
		assertProblem("empty batch", this.api.post("/clicks/batch", "[]"));
		assertProblem("batch of 501", this.api.post("/clicks/batch",
				IntStream.range(0, 501).mapToObj((i) -> good).collect(Collectors.joining(",", "[", "]"))));
		Http.Response oneBad = this.api.post("/clicks/batch", "[" + good + "," + bad + "]");
		assertProblem("one bad click in a batch", oneBad);
		assertThat(oneBad.body().get("errors").get(0).get("field").asString()).isEqualTo("[1].sessionId");
		assertProblem("future in a batch", this.api.post("/clicks/batch", "[" + good + ","
				+ "{\"userId\":\"u-1\",\"sku\":\"BOOK-1\",\"type\":\"VIEW\",\"at\":\"" + future + "\"}]"));
		assertProblem("not an array", this.api.post("/clicks/batch", good));
		assertProblem("null in a batch", this.api.post("/clicks/batch", "[" + good + ",null]"));

		assertProblem("unknown window", this.api.get("/trending?window=2m"));
		assertProblem("limit 0", this.api.get("/trending?limit=0"));
		assertProblem("bad user", this.api.get("/recommendations/not%20a%20user"));
		assertProblem("limit 1000", this.api.get("/recommendations/u-1?limit=1000"));
		assertProblem("bad sku", this.api.get("/products/not%20a%20sku/related"));
		assertThat(published(this.single)).isEqualTo(published);
	}

	// ---- helpers

	private ConfigurableApplicationContext start(String set) {
		return this.instances.start(set, this.properties);
	}

	String topic(String name, String set) {
		return this.instances.topic(name, set);
	}

	private static Http http(ConfigurableApplicationContext context) {
		return ServiceInstances.http(context);
	}

	/** Posts in batches, spread over the instances. */
	private static void postAll(List<Http> instances, List<SimulatedClick> clicks) {
		int batch = 300;
		for (int from = 0, n = 0; from < clicks.size(); from += batch, n++) {
			String body = clicks.subList(from, Math.min(clicks.size(), from + batch))
				.stream()
				.map(SimulatedClick::json)
				.collect(Collectors.joining(",", "[", "]"));
			Http.Response response = instances.get(n % instances.size()).post("/clicks/batch", body);
			assertThat(response.status()).as("%s", response.body()).isEqualTo(202);
		}
	}

	private List<String> trending(String window, int limit) {
		return this.api.get("/trending?window=" + window + "&limit=" + limit)
			.body()
			.get("items")
			.valueStream()
			.map((item) -> item.get("sku").asString())
			.toList();
	}

	private String click(String user, String sku, Instant at) {
		return "{\"userId\":\"%s-%s\",\"sku\":\"%s\",\"type\":\"VIEW\",\"at\":\"%s\"}".formatted(user, this.run, sku,
				at);
	}

	/** Related products of every product of the shop, and 30 users' recommendations. */
	private Map<String, Object> shopAnswers(Http instance) {
		Map<String, Object> answers = new LinkedHashMap<>();
		this.planted.stream().map(SimulatedClick::sku).distinct().sorted().forEach((sku) -> {
			String path = "/products/" + sku + "/related?limit=10";
			answers.put(path, instance.get(path).body());
		});
		this.planted.stream().map(SimulatedClick::userId).distinct().sorted().limit(30).forEach((user) -> {
			String path = "/recommendations/" + user + "?limit=10";
			answers.put(path, personal(instance.get(path).body()));
		});
		return answers;
	}

	private Map<String, Object> answers(Http instance, String skuPrefix, int skus, String userPrefix, int users) {
		Map<String, Object> answers = new LinkedHashMap<>();
		for (int i = 0; i < skus; i++) {
			String path = "/products/" + skuPrefix + i + "/related";
			answers.put(path, instance.get(path).body());
		}
		for (int i = 0; i < users; i++) {
			String path = "/recommendations/" + userPrefix + i + "-" + this.run + "?limit=10";
			answers.put(path, personal(instance.get(path).body()));
		}
		return answers;
	}

	/** The personal part of recommendations: trending fill-ins depend on the moment. */
	private static List<JsonNode> personal(JsonNode recommendations) {
		return recommendations.get("items")
			.valueStream()
			.filter((item) -> !"TRENDING".equals(item.get("basis").asString()))
			.toList();
	}

	private static void assertProblem(String name, Http.Response response) {
		assertThat(response.status()).as(name + ": " + response.body()).isEqualTo(400);
		assertThat(response.contentType()).as(name).startsWith("application/problem+json");
		assertThat(response.body().get("type").asString()).as(name).startsWith("urn:mqlab:problem:");
		assertThat(response.body().get("detail").asString()).as(name).isNotBlank();
	}

	private static Map<String, Object> orderPlaced(String orderId, String customer, String... skus) {
		List<Map<String, Object>> items = new ArrayList<>();
		for (String sku : skus) {
			items.add(Map.of("sku", sku, "quantity", 1, "unitPrice", 9.99, "lineTotal", 9.99));
		}
		return Map.of("orderId", orderId, "customerId", customer, "currency", "EUR", "items", items, "total", 19.98,
				"status", "PLACED", "placedAt", Instant.now().toString());
	}

	private static void awaitApplied(List<ConfigurableApplicationContext> instances, String kind, long expected) {
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(applied(instances, kind)).isGreaterThanOrEqualTo(expected));
	}

	private static long applied(List<ConfigurableApplicationContext> instances, String kind) {
		return count(instances, kind, "applied");
	}

	private static long count(List<ConfigurableApplicationContext> instances, String kind, String outcome) {
		return (long) instances.stream()
			.map((context) -> context.getBean(MeterRegistry.class))
			.flatMap((meters) -> meters.find("recommendation.events")
				.tag("kind", kind)
				.tag("outcome", outcome)
				.counters()
				.stream())
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	private static double exported(List<ConfigurableApplicationContext> instances, String dataset) {
		return instances.stream()
			.map((context) -> context.getBean(MeterRegistry.class))
			.flatMap((meters) -> meters.find("recommendation.export.lines").tag("dataset", dataset).counters().stream())
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	private double published(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class)
			.find("mqlab.messages.published")
			.counters()
			.stream()
			// the metrics agent publishes to its topic every interval, whatever the
			// requests
			.filter((counter) -> !"metrics".equals(counter.getId().getTag("topic")))
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	/** Every line of every finished file, by dataset; unfinished files fail the test. */
	private static Map<String, List<JsonNode>> readData(Path root) throws IOException {
		Map<String, List<JsonNode>> data = new LinkedHashMap<>();
		Set<Path> files = new HashSet<>();
		try (Stream<Path> walk = Files.walk(root)) {
			walk.filter(Files::isRegularFile).forEach(files::add);
		}
		for (Path file : files) {
			assertThat(file.getFileName().toString()).endsWith(".jsonl.gz");
			String dataset = root.relativize(file).getName(0).toString();
			assertThat(root.relativize(file).getName(1).toString()).matches("date=\\d{4}-\\d{2}-\\d{2}");
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
				reader.lines()
					.map((line) -> JsonMapper.shared().readTree(line))
					.forEach((line) -> data.computeIfAbsent(dataset, (d) -> new ArrayList<>()).add(line));
			}
		}
		return data;
	}

}
