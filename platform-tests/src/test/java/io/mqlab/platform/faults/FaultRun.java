package io.mqlab.platform.faults;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.mqlab.messaging.DeadLetter;
import io.mqlab.messaging.Messaging;
import io.mqlab.messaging.contract.LocalBrokers;
import io.mqlab.messaging.contract.TcpProxy;
import io.mqlab.platform.faults.FaultPlan.Step;
import org.awaitility.core.ConditionTimeoutException;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * The four services as separate JVMs on one backend, each reaching the broker through a
 * proxy of its own, under a steady {@link Load} while the {@link FaultPlan} kills them,
 * restarts the broker and cuts one service off. Then the load stops, the platform
 * settles, and the {@link Ledger} says whether anything was lost or counted twice.
 */
final class FaultRun implements AutoCloseable {

	static final List<String> SERVICES = List.of(FaultPlan.ORDERS, FaultPlan.REWRITE, FaultPlan.RECONCILIATION,
			FaultPlan.RECOMMENDATION);

	private static final Duration START_PATIENCE = Duration.ofMinutes(4);

	private final FaultBroker broker;

	private final FaultPlan plan;

	private final RunNames names = new RunNames();

	private final Path dir;

	private final Map<String, Service> services = new LinkedHashMap<>();

	private final List<String> timeline = new CopyOnWriteArrayList<>();

	private final Client client = new Client();

	private final RedisClient redisClient = RedisClient
		.create("redis://" + LocalBrokers.HOST + ":" + LocalBrokers.REDIS_PORT);

	private StatefulRedisConnection<String, String> redis;

	private Load load;

	private CompletableFuture<ConfigurableApplicationContext> inspector;

	private Instant started;

	private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor();

	private final AtomicInteger supervisorRestarts = new AtomicInteger();

	FaultRun(FaultBroker broker, FaultPlan plan) {
		this.broker = broker;
		this.plan = plan;
		this.dir = Path.of("target", "faults", this.names.run).toAbsolutePath();
	}

	/** Runs the plan and returns the report; {@link #ledger} is the verdict. */
	Result run() throws IOException {
		Instant begin = Instant.now();
		LocalBrokers.requirePostgres();
		LocalBrokers.requireRedis();
		Files.createDirectories(this.dir);
		this.redis = this.redisClient.connect();
		this.broker.start(this.names, this.dir, SERVICES);
		for (String name : SERVICES) {
			this.services.put(name, service(name));
		}
		this.supervisor.scheduleWithFixedDelay(this::restartExited, 1, 1, TimeUnit.SECONDS);
		// all at once: nothing is published before every one is up, so every group exists
		this.services.values().forEach((service) -> service.jvm().start());
		// the four share the CPU: as long in all as one after the other
		Instant deadline = begin.plus(START_PATIENCE.multipliedBy(2));
		SERVICES.forEach((name) -> awaitUp(name,
				Duration.between(Instant.now(), latest(deadline, Instant.now().plusSeconds(1)))));
		event("services up after " + Duration.between(begin, Instant.now()).toSeconds() + " s");

		this.load = new Load(this.names, () -> port(FaultPlan.ORDERS), () -> port(FaultPlan.RECOMMENDATION));
		this.started = Instant.now();
		event("load starts: " + this.plan.ordersPerSecond() + " orders/s (every other one paid), "
				+ this.plan.clicksPerSecond() + " clicks/s");
		this.load.start(this.plan.ordersPerSecond(), this.plan.clicksPerSecond());
		Instant last = this.started;
		for (Step step : this.plan.steps()) {
			waitUntil(last.plus(step.after()));
			perform(step);
			last = Instant.now();
		}
		waitUntil(latest(this.started.plus(this.plan.load()), last.plus(this.plan.tail())));
		this.load.stop();
		event("load stops");
		this.services.values().forEach((service) -> service.proxy().restore());
		this.inspector = CompletableFuture.supplyAsync(this::startInspector);

		Instant settleFrom = Instant.now();
		boolean settled = true;
		try {
			await("every order and payment answered").atMost(this.plan.settle())
				.pollInterval(Duration.ofSeconds(1))
				.until(this.load::retryPending);
			await("the platform settles").atMost(this.plan.settle())
				.pollInterval(Duration.ofSeconds(1))
				.ignoreExceptions()
				.until(() -> settled(counts()));
			event("settled after " + Duration.between(settleFrom, Instant.now()).toSeconds() + " s");
		}
		catch (ConditionTimeoutException ex) {
			settled = false;
			event("did NOT settle within " + this.plan.settle().toSeconds() + " s: " + ex.getMessage());
		}
		Counts counts = await("the final counts").atMost(Duration.ofMinutes(2))
			.pollInterval(Duration.ofSeconds(2))
			.ignoreExceptions()
			.until(this::counts, Objects::nonNull);
		Ledger ledger = ledger(counts, deadLetters(this.inspector.join()));
		if (!settled) {
			ledger.expect("settled within " + this.plan.settle().toSeconds() + " s", 0, 1, "");
		}
		String title = "Fault run, " + this.broker.backend() + " (" + this.plan.name() + ", run " + this.names.run
				+ ", " + Duration.between(this.started, Instant.now()).toSeconds() + " s from load start, "
				+ Duration.between(begin, Instant.now()).toSeconds() + " s in all)";
		StringBuilder report = new StringBuilder(ledger.markdown(title));
		report.append("\nTimeline:\n\n");
		this.timeline.forEach((line) -> report.append("- ").append(line).append('\n'));
		report.append("\nService logs: ").append(this.dir).append('\n');
		return new Result(ledger, report.toString());
	}

	private Service service(String name) {
		TcpProxy proxy = this.broker.proxyFor(name);
		int port = KafkaBrokerProcess.freePort();
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", this.broker.backend());
		args.put("server.port", Integer.toString(port));
		args.put("spring.main.banner-mode", "off");
		args.put("spring.datasource.url", this.names.url(schemaOf(name)));
		args.put("mqlab.messaging.postgres.url", this.names.url("queue"));
		args.put("mqlab.messaging.visibility-timeout", "5s");
		args.put("mqlab.messaging.outbox.poll-interval", "200ms");
		args.put("spring.data.redis.host", LocalBrokers.HOST);
		args.put("spring.data.redis.port", Integer.toString(LocalBrokers.REDIS_PORT));
		args.put("spring.data.redis.client-name", this.names.run + "-" + name);
		switch (name) {
			case FaultPlan.ORDERS -> {
				args.put("mqlab.orders.topics.placed", this.names.orderTopic);
				args.put("mqlab.orders.topics.requests", this.names.requestsTopic);
				args.put("mqlab.orders.topics.payment-timeouts", this.names.paymentTimeoutTopic);
				args.put("mqlab.orders.topics.cancelled", this.names.cancelledTopic);
				args.put("mqlab.orders.payment-timeout", "5s");
			}
			case FaultPlan.REWRITE -> {
				args.put("mqlab.orders.topics.requests", this.names.requestsTopic);
				args.put("mqlab.orders.topics.placed", this.names.newOrderTopic);
			}
			case FaultPlan.RECONCILIATION -> {
				args.put("mqlab.reconciliation.legacy-topic", this.names.orderTopic);
				args.put("mqlab.reconciliation.new-topic", this.names.newOrderTopic);
				args.put("mqlab.reconciliation.grace-period", "10s");
				args.put("mqlab.reconciliation.sweep-interval", "1s");
			}
			case FaultPlan.RECOMMENDATION -> {
				args.put("mqlab.recommendation.clicks-topic", this.names.clicksTopic);
				args.put("mqlab.recommendation.orders-topic", this.names.orderTopic);
				args.put("mqlab.recommendation.key-prefix", this.names.recommendationKeys);
				args.put("mqlab.recommendation.data-dir", this.dir.resolve("recommendation-data").toString());
			}
			default -> throw new IllegalArgumentException(name);
		}
		args.putAll(this.broker.via(proxy, this.names));
		if (this.plan.quickFailover()) {
			args.putAll(this.broker.quickFailover());
		}
		List<String> command = new ArrayList<>(ChildJvm.java("384m", "-Xss512k", "-jar", execJar(name).toString()));
		args.forEach((key, value) -> command.add("--" + key + "=" + value));
		return new Service(new ChildJvm(name, command, this.dir), port, proxy);
	}

	private static String schemaOf(String service) {
		return switch (service) {
			case FaultPlan.ORDERS -> "legacy";
			case FaultPlan.REWRITE -> "rewrite";
			case FaultPlan.RECONCILIATION -> "recon";
			default -> "reco";
		};
	}

	/** The service's executable jar, built by the package phase before these tests. */
	private static Path execJar(String module) {
		Path target = Path.of(System.getProperty("basedir", "."))
			.toAbsolutePath()
			.getParent()
			.resolve(module)
			.resolve("target");
		try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, module + "-*-exec.jar")) {
			for (Path jar : jars) {
				return jar;
			}
		}
		catch (IOException ex) {
			// reported below
		}
		throw new IllegalStateException("No executable jar of " + module + " in " + target
				+ ": build it first (./mvnw verify -pl platform-tests -am builds it)");
	}

	/** Where the services' logs (and the ledger) go. */
	Path directory() {
		return this.dir;
	}

	private int port(String service) {
		return this.services.get(service).port();
	}

	/**
	 * A service that exits by itself (e.g. it could not reach the broker at start-up) is
	 * started again, as compose's {@code restart: on-failure} does.
	 */
	private void restartExited() {
		this.services.forEach((name, service) -> {
			Path log = service.jvm().log();
			int exit = service.jvm().restartIfExited();
			if (exit >= 0) {
				this.supervisorRestarts.incrementAndGet();
				event(name + " exited by itself (code " + exit + ", see " + log.getFileName()
						+ "); started again as restart: on-failure would");
			}
		});
	}

	private void awaitUp(String name) {
		awaitUp(name, START_PATIENCE);
	}

	private void awaitUp(String name, Duration patience) {
		Service service = this.services.get(name);
		Instant from = Instant.now();
		try {
			await(name + " up").atMost(patience).pollInterval(Duration.ofMillis(500)).until(() -> live(service));
		}
		catch (ConditionTimeoutException ex) {
			throw new IllegalStateException(name + " did not start in " + patience + ", see " + service.jvm().log(),
					ex);
		}
		if (this.started != null) {
			event(name + " up again after " + Duration.between(from, Instant.now()).toSeconds() + " s");
		}
	}

	private boolean live(Service service) {
		try {
			return this.client.get(service.port(), "/actuator/health/liveness").status() == 200;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static Instant latest(Instant one, Instant other) {
		return one.isAfter(other) ? one : other;
	}

	private void waitUntil(Instant at) {
		await().atMost(Duration.between(Instant.now(), at).plus(Duration.ofMinutes(1)))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> !Instant.now().isBefore(at));
	}

	private void perform(Step step) {
		switch (step.action()) {
			case KILL -> {
				Service service = this.services.get(step.target());
				if (!live(service)) {
					awaitUp(step.target());
				}
				service.jvm().killAndStart();
				event("SIGKILL " + step.target() + ", started again");
			}
			case RESTART_BROKER -> {
				Instant from = Instant.now();
				String what = this.broker.restart(this.names);
				event(what + " (" + Duration.between(from, Instant.now()).toSeconds() + " s)");
			}
			case CUT -> {
				this.services.get(step.target()).proxy().cut();
				event(step.target() + " cut off the broker");
			}
			case RESTORE -> {
				this.services.get(step.target()).proxy().restore();
				event(step.target() + " reconnected to the broker");
			}
		}
	}

	private void event(String what) {
		String at = (this.started != null)
				? "t+" + Duration.between(this.started, Instant.now()).toMillis() / 100 / 10.0 + " s" : "start";
		this.timeline.add(at + ": " + what);
		System.out.println("[faults " + this.broker.backend() + "] " + at + ": " + what);
	}

	// ---- counting

	private Counts counts() {
		Map<String, String> legacy = query("SELECT id::text, status FROM " + this.names.schema("legacy") + ".orders");
		Set<String> rewrite = query("SELECT id::text, '' FROM " + this.names.schema("rewrite") + ".priced_order")
			.keySet();
		Map<String, String> reconciled = query(
				"SELECT order_id::text, status FROM " + this.names.schema("recon") + ".reconciliation_result");
		Map<String, String> cancelledEvents = query("SELECT msg_key, count(*)::text FROM " + this.names.schema("legacy")
				+ ".mqlab_outbox WHERE topic = '" + this.names.cancelledTopic + "' GROUP BY msg_key");
		RedisCommands<String, String> redis = this.redis.sync();
		String prefix = this.names.recommendationKeys + ":";
		Set<String> clicksSeen = new HashSet<>();
		for (String id : this.load.clicks) {
			if (redis.exists(prefix + "seen:click:" + id) > 0) {
				clicksSeen.add(id);
			}
		}
		Set<String> ordersSeen = new HashSet<>();
		for (String id : this.load.orders.keySet()) {
			if (redis.exists(prefix + "seen:order:" + id) > 0) {
				ordersSeen.add(id);
			}
		}
		return new Counts(legacy, rewrite, reconciled, cancelledEvents, clicksSeen, ordersSeen,
				scan(redis, prefix + "seen:click:*"), scan(redis, prefix + "seen:order:*"),
				sum(redis, prefix + "item:sessions"), sum(redis, prefix + "item:orders"));
	}

	/** Everything the load placed, paid and clicked has arrived where it should. */
	private boolean settled(Counts counts) {
		for (String id : this.load.orders.keySet()) {
			String status = counts.legacy().get(id);
			boolean timedOut = this.load.paid.contains(id) ? "PAID".equals(status) : "CANCELLED".equals(status);
			if (!timedOut || !counts.rewrite().contains(id) || !counts.reconciled(id)
					|| !counts.ordersSeen().contains(id)) {
				return false;
			}
		}
		return counts.clicksSeen().size() == this.load.clicks.size();
	}

	private static long scan(RedisCommands<String, String> redis, String pattern) {
		long count = 0;
		ScanCursor cursor = ScanCursor.INITIAL;
		do {
			KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(pattern).limit(1000));
			count += page.getKeys().size();
			cursor = page;
		}
		while (!cursor.isFinished());
		return count;
	}

	private static long sum(RedisCommands<String, String> redis, String zset) {
		return Math.round(redis.zrangeWithScores(zset, 0, -1).stream().mapToDouble(ScoredValue::getScore).sum());
	}

	private Map<String, String> query(String sql) {
		Map<String, String> rows = new HashMap<>();
		try (Connection connection = DriverManager.getConnection(LocalBrokers.POSTGRES_URL, "postgres", "");
				ResultSet result = connection.createStatement().executeQuery(sql)) {
			while (result.next()) {
				rows.put(result.getString(1), result.getString(2));
			}
		}
		catch (SQLException ex) {
			// a table not created yet (a service still starting) or PostgreSQL
			// restarting:
			// the awaits that read the counts try again
			throw new IllegalStateException(sql, ex);
		}
		return rows;
	}

	/**
	 * The smallest application that reads dead letters, started while the platform
	 * settles (it takes seconds).
	 */
	private ConfigurableApplicationContext startInspector() {
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", this.broker.backend());
		args.put("spring.main.banner-mode", "off");
		args.put("spring.datasource.url", this.names.url("inspector"));
		args.put("mqlab.messaging.postgres.url", this.names.url("queue"));
		args.put("mqlab.messaging.outbox.relay-enabled", "false");
		args.putAll(this.broker.direct(this.names));
		return new SpringApplicationBuilder(Inspector.class).web(WebApplicationType.NONE)
			.run(args.entrySet().stream().map((e) -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
	}

	/** Read once the platform settled: a message may still fail while it settles. */
	private Map<String, List<DeadLetter>> deadLetters(ConfigurableApplicationContext inspector) {
		Messaging messaging = inspector.getBean(Messaging.class);
		Map<String, List<DeadLetter>> letters = new TreeMap<>();
		this.names.topicsAndGroups().forEach((topic, groups) -> {
			for (String group : groups) {
				letters.put(topic + " / " + group, messaging.deadLetters().list(topic, group, 1000));
			}
		});
		return letters;
	}

	private Ledger ledger(Counts counts, Map<String, List<DeadLetter>> deadLetters) {
		Map<String, Load.Order> orders = this.load.orders;
		long accepted = orders.size();
		long paid = this.load.paid.size();
		Set<String> unpaid = orders.keySet()
			.stream()
			.filter((id) -> !this.load.paid.contains(id))
			.collect(Collectors.toSet());
		long inLegacy = orders.keySet().stream().filter(counts.legacy()::containsKey).count();
		long inRewrite = orders.keySet().stream().filter(counts.rewrite()::contains).count();
		long reconciled = orders.keySet().stream().filter(counts::reconciled).count();
		Map<String, Long> notReconciled = orders.keySet()
			.stream()
			.filter((id) -> !counts.reconciled(id))
			.collect(Collectors.groupingBy((id) -> counts.reconciledStatus().getOrDefault(id, "absent"), TreeMap::new,
					Collectors.counting()));
		long phantom = counts.reconciledStatus().keySet().stream().filter((id) -> !orders.containsKey(id)).count();
		long cancelled = unpaid.stream().filter((id) -> "CANCELLED".equals(counts.legacy().get(id))).count();
		long stillPlaced = unpaid.stream().filter((id) -> "PLACED".equals(counts.legacy().get(id))).count();
		long paidNotPaid = this.load.paid.stream().filter((id) -> !"PAID".equals(counts.legacy().get(id))).count();
		long cancelledTwice = counts.cancelledEvents().values().stream().filter((n) -> Long.parseLong(n) > 1).count();
		long cancelledEventsOfOthers = counts.cancelledEvents()
			.keySet()
			.stream()
			.filter((id) -> !"CANCELLED".equals(counts.legacy().get(id)))
			.count();
		long cancelledWithoutEvent = unpaid.stream()
			.filter((id) -> "CANCELLED".equals(counts.legacy().get(id)) && !counts.cancelledEvents().containsKey(id))
			.count();
		long clicks = this.load.clicks.size();
		long deadLetterCount = deadLetters.values().stream().mapToLong(List::size).sum();

		Ledger ledger = new Ledger()
			.info("orders accepted (201, or 200 for a retried Idempotency-Key)", accepted,
					"paid " + paid + ", left to the payment timeout " + unpaid.size()
							+ "; retries of a request that got no answer: orders " + this.load.orderRetries.get()
							+ ", payments " + this.load.paymentRetries.get())
			.expect("orders stored by order-service", inLegacy, accepted, "")
			.expect("orders priced by order-service-new", inRewrite, accepted, "")
			.expect("`OrderPlaced` reconciled (both sides compared)", reconciled, accepted, "")
			.expect("orders missing in reconciliation", accepted - reconciled, 0,
					notReconciled.isEmpty() ? "" : "by status: " + notReconciled)
			.expect("reconciled orders nobody placed (counted twice)", phantom, 0, "")
			.expect("purchases aggregated by recommendation-service", counts.ordersSeen().size(), accepted, "")
			.expect("purchases counted twice", counts.itemOrders() - counts.orderKeys(), 0,
					"item:orders sum " + counts.itemOrders() + " vs " + counts.orderKeys() + " orders applied")
			.info("payment timeouts due (unpaid orders past their 5 s timeout)", unpaid.size(), "")
			.expect("payment timeouts handled (unpaid order CANCELLED)", cancelled, unpaid.size(), "")
			.expect("unpaid orders still PLACED", stillPlaced, 0, "")
			.expect("paid orders not PAID (cancelled or lost)", paidNotPaid, 0, "")
			.expect("cancelled orders without `OrderCancelled`", cancelledWithoutEvent, 0, "")
			.expect("orders with `OrderCancelled` more than once", cancelledTwice, 0, "")
			.expect("`OrderCancelled` for an order not cancelled", cancelledEventsOfOthers, 0, "")
			.info("clicks accepted (202)", clicks,
					"refused or unanswered while the service was down or cut off: " + this.load.clicksRefused.get())
			.expect("clicks aggregated", counts.clicksSeen().size(), clicks, "")
			.expect("clicks missing", clicks - counts.clicksSeen().size(), 0, "")
			.info("clicks applied whose 202 never reached the client", counts.clickKeys() - counts.clicksSeen().size(),
					"(the service took them, then was killed or timed out before answering)")
			.expect("clicks counted twice", counts.itemSessions() - counts.clickKeys(), 0,
					"item:sessions sum " + counts.itemSessions() + " vs " + counts.clickKeys() + " clicks applied")
			.info("services that exited by themselves and were started again", this.supervisorRestarts.get(),
					"(not a loss: compose restarts them the same way)")
			.expect("dead letters", deadLetterCount, 0, "")
			.expect("answers no client expects", this.load.unexpected.size(), 0,
					this.load.unexpected.stream().limit(3).toList().toString());
		deadLetters.forEach((where, letters) -> {
			if (!letters.isEmpty()) {
				Map<String, Long> reasons = letters.stream()
					.collect(Collectors.groupingBy((letter) -> letter.errorClass() + ": " + letter.errorMessage(),
							TreeMap::new, Collectors.counting()));
				ledger.note("dead letters of " + where + ": " + letters.size() + ", reasons " + reasons);
			}
		});
		return ledger;
	}

	@Override
	public void close() {
		List<Runnable> steps = new ArrayList<>();
		steps.add(this.supervisor::shutdownNow);
		steps.add(() -> {
			if (this.load != null) {
				this.load.close();
			}
		});
		steps.add(() -> {
			if (this.inspector != null) {
				// waits for one still starting, so that none outlives the run
				this.inspector.thenAccept(ConfigurableApplicationContext::close).exceptionally((ex) -> null).join();
			}
		});
		this.services.values().forEach((service) -> steps.add(() -> service.jvm().kill()));
		this.services.values().forEach((service) -> steps.add(() -> service.proxy().close()));
		steps.add(() -> this.broker.cleanUp(this.names));
		steps.add(this.broker::close);
		steps.add(this.names::dropSchemas);
		steps.add(() -> removeRedisKeys());
		steps.add(() -> {
			if (this.redis != null) {
				this.redis.close();
			}
			this.redisClient.shutdown();
		});
		RuntimeException first = null;
		for (Runnable step : steps) {
			try {
				step.run();
			}
			catch (RuntimeException ex) {
				if (first == null) {
					first = ex;
				}
				else {
					first.addSuppressed(ex);
				}
			}
		}
		if (first != null) {
			throw first;
		}
	}

	private void removeRedisKeys() {
		if (this.redis == null) {
			return;
		}
		RedisCommands<String, String> redis = this.redis.sync();
		ScanCursor cursor = ScanCursor.INITIAL;
		do {
			KeyScanCursor<String> page = redis.scan(cursor,
					ScanArgs.Builder.matches("*" + this.names.run + "*").limit(1000));
			if (!page.getKeys().isEmpty()) {
				redis.del(page.getKeys().toArray(String[]::new));
			}
			cursor = page;
		}
		while (!cursor.isFinished());
	}

	record Result(Ledger ledger, String report) {

	}

	private record Service(ChildJvm jvm, int port, TcpProxy proxy) {

	}

	/**
	 * What the run counted at one moment, from the services' databases and
	 * recommendation-service's Redis keys.
	 */
	private record Counts(Map<String, String> legacy, Set<String> rewrite, Map<String, String> reconciledStatus,
			Map<String, String> cancelledEvents, Set<String> clicksSeen, Set<String> ordersSeen, long clickKeys,
			long orderKeys, long itemSessions, long itemOrders) {

		boolean reconciled(String id) {
			String status = this.reconciledStatus.get(id);
			return "MATCHED".equals(status) || "MISMATCHED".equals(status);
		}

	}

	/** The smallest application that reads the dead letters of the run's groups. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Inspector {

	}

}
