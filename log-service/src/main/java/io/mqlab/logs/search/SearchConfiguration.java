package io.mqlab.logs.search;

import org.opensearch.client.opensearch.OpenSearchClient;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The search role ({@code mqlab.logs.search.enabled}): the API, the tail and the page.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mqlab.logs.search.enabled", matchIfMissing = true)
class SearchConfiguration {

	@Bean
	OpenSearchJson openSearchJson(OpenSearchClient client, JsonMapper jsonMapper) {
		return new OpenSearchJson(client, jsonMapper);
	}

}
