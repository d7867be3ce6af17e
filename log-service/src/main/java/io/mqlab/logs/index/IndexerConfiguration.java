package io.mqlab.logs.index;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqlab.logs.LogSettings;
import org.opensearch.client.opensearch.OpenSearchClient;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The indexer role ({@code mqlab.logs.indexer.enabled}) and the retention it applies. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mqlab.logs.indexer.enabled", matchIfMissing = true)
class IndexerConfiguration {

	@Bean
	LogIndexer logIndexer(OpenSearchClient client, LogIndices indices, JsonMapper jsonMapper, MeterRegistry registry) {
		return new LogIndexer(client, indices, jsonMapper, registry);
	}

	@Bean
	Retention retention(OpenSearchClient client, LogIndices indices, LogSettings settings) {
		return new Retention(client, indices, settings.retention(), Clock.systemUTC());
	}

}
