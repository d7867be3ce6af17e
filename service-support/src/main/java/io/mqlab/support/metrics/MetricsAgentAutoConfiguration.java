package io.mqlab.support.metrics;

import java.util.Arrays;
import java.util.stream.DoubleStream;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.mqlab.messaging.Messaging;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The metrics agent, in every service that has the messaging library (a service without
 * it, like catalog-service, has no agent): host and process metrics from OSHI and the
 * application's own Micrometer meters, published to {@code mqlab.metrics.agent.topic}.
 */
@AutoConfiguration(afterName = { "io.mqlab.messaging.autoconfigure.MessagingAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(name = { "io.mqlab.messaging.Messaging", "io.micrometer.core.instrument.MeterRegistry" })
@ConditionalOnBooleanProperty(name = "mqlab.metrics.agent.enabled", matchIfMissing = true)
@ConditionalOnBean(type = { "io.mqlab.messaging.Messaging", "io.micrometer.core.instrument.MeterRegistry" })
@EnableConfigurationProperties(MetricsAgentProperties.class)
public final class MetricsAgentAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MetricsAgent metricsAgent(Messaging messaging, MeterRegistry registry, MetricsAgentProperties properties,
			@Value("${spring.application.name:application}") String service) {
		return new MetricsAgent(messaging, registry, service, properties);
	}

	/**
	 * Buckets for the HTTP timers, from which the agent computes each interval's p99 (a
	 * percentile Micrometer computes itself covers a sliding window instead). Fixed
	 * bounds rather than a percentile histogram: every registry keeps them, and they are
	 * fewer (27 against about 70) in each service's Prometheus output.
	 */
	@Bean
	static MeterFilter httpLatencyBuckets() {
		return new MeterFilter() {

			@Override
			public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
				if (!ApplicationMetrics.HTTP_REQUESTS.equals(id.getName())) {
					return config;
				}
				double[] own = config.getServiceLevelObjectiveBoundaries();
				double[] bounds = DoubleStream
					.concat(Arrays.stream(ApplicationMetrics.HTTP_BUCKETS_NANOS),
							(own != null) ? Arrays.stream(own) : DoubleStream.empty())
					.distinct()
					.sorted()
					.toArray();
				return DistributionStatisticConfig.builder().serviceLevelObjectives(bounds).build().merge(config);
			}

		};
	}

}
