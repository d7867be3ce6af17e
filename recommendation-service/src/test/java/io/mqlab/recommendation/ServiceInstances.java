package io.mqlab.recommendation;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mqlab.messaging.contract.TestBroker;
import io.mqlab.support.Http;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts service instances in this JVM as they run in production (own context, random
 * port, talking only through the broker and Redis), named after one run: a "set" of
 * instances shares topics, a consumer group and Redis keys.
 */
final class ServiceInstances implements AutoCloseable {

	private final TestBroker broker;

	private final String run;

	private final Clock clock;

	private final Path dataDir;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	ServiceInstances(TestBroker broker, String run, Clock clock, Path dataDir) {
		this.broker = broker;
		this.run = run;
		this.clock = clock;
		this.dataDir = dataDir;
	}

	ConfigurableApplicationContext start(String set, Map<String, String> extra) {
		Map<String, String> args = new LinkedHashMap<>();
		args.put("spring.profiles.active", this.broker.backend());
		args.put("server.port", "0");
		args.put("spring.main.banner-mode", "off");
		args.put("mqlab.recommendation.clicks-topic", topic("clicks", set));
		args.put("mqlab.recommendation.orders-topic", topic("orders", set));
		args.put("mqlab.recommendation.key-prefix", "reco-" + this.run + "-" + set);
		// a group per set: on Kafka, members of one group id rebalance together whatever
		// topics they read
		args.put("mqlab.recommendation.group", group(set));
		args.put("mqlab.recommendation.data-dir", this.dataDir.resolve(set).toString());
		args.put("mqlab.recommendation.export-scan", "200ms");
		args.put("mqlab.recommendation.export-rotation", "1h");
		args.put("mqlab.messaging.partitions", "4");
		args.put("mqlab.messaging.visibility-timeout", "5s");
		args.putAll(TestBroker.redisProperties());
		args.putAll(this.broker.properties(this.run));
		args.putAll(extra);
		String[] commandLine = args.entrySet()
			.stream()
			.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
		ConfigurableApplicationContext context = RecommendationServiceApplication.builder()
			.initializers((ctx) -> ctx.getBeanFactory().registerSingleton("clock", this.clock))
			.run(commandLine);
		this.contexts.add(context);
		return context;
	}

	String topic(String name, String set) {
		return name + "-" + this.run + "-" + set;
	}

	String group(String set) {
		return "recommendation-" + set;
	}

	static Http http(ConfigurableApplicationContext context) {
		return new Http(((WebServerApplicationContext) context).getWebServer().getPort());
	}

	/** Stops every instance, then removes the sets' topics and Redis keys. */
	@Override
	public void close() {
		for (int i = this.contexts.size() - 1; i >= 0; i--) {
			this.contexts.get(i).close();
		}
		Map<String, String> topicsAndGroups = new LinkedHashMap<>();
		for (String set : List.of("a", "b")) {
			topicsAndGroups.put(topic("clicks", set), group(set));
			topicsAndGroups.put(topic("orders", set), group(set));
		}
		this.broker.removeState(this.run, topicsAndGroups);
		this.broker.close();
		TestBroker.deleteRedisKeys("reco-" + this.run + "*");
	}

}
