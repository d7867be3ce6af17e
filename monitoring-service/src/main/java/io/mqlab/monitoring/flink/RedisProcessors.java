package io.mqlab.monitoring.flink;

import java.time.Clock;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mqlab.monitoring.MonitoringSettings;
import io.mqlab.monitoring.metrics.MetricsProcessor;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The processing step for a job on a Flink cluster: built from the job's arguments, with
 * the service's property names ({@code mqlab.monitoring.*}, {@code spring.data.redis.*}),
 * on its own Redis connection, writing the same keys the service reads.
 */
final class RedisProcessors implements ProcessorSource {

	private static final long serialVersionUID = 1L;

	private final Map<String, String> properties;

	RedisProcessors(Map<String, String> properties) {
		this.properties = Map.copyOf(properties);
	}

	static MonitoringSettings settings(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("mqlab.monitoring",
				Bindable.of(MonitoringSettings.class));
	}

	@Override
	public Opened open() {
		RedisStandaloneConfiguration redis = new RedisStandaloneConfiguration(
				this.properties.getOrDefault("spring.data.redis.host", "localhost"),
				Integer.parseInt(this.properties.getOrDefault("spring.data.redis.port", "6379")));
		redis.setDatabase(Integer.parseInt(this.properties.getOrDefault("spring.data.redis.database", "0")));
		String password = this.properties.get("spring.data.redis.password");
		if (password != null) {
			redis.setPassword(password);
		}
		LettuceConnectionFactory connections = new LettuceConnectionFactory(redis);
		connections.afterPropertiesSet();
		connections.start();
		MetricsProcessor processor = MetricsProcessor.standalone(new StringRedisTemplate(connections),
				settings(this.properties), Clock.systemUTC(), new SimpleMeterRegistry());
		return new Opened() {

			@Override
			public MetricsProcessor processor() {
				return processor;
			}

			@Override
			public void close() {
				connections.destroy();
			}

		};
	}

}
