package io.mqlab.cdc.search;

import java.net.URISyntaxException;

import io.mqlab.cdc.CdcSettings;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The official OpenSearch client, for the search sink and the search endpoint. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "mqlab.cdc.sinks.search.enabled", matchIfMissing = true)
class OpenSearchConfiguration {

	@Bean(destroyMethod = "close")
	ApacheHttpClient5Transport openSearchTransport(CdcSettings settings) throws URISyntaxException {
		return ApacheHttpClient5TransportBuilder.builder(HttpHost.create(settings.sinks().search().url()))
			// httpclient5 5.6 (Boot's) decompresses gzip answers itself, and the
			// transport then
			// tried again ("Not in GZIP format")
			.setHttpClientConfigCallback((client) -> client.disableContentCompression())
			.build();
	}

	@Bean
	OpenSearchClient openSearchClient(ApacheHttpClient5Transport transport) {
		return new OpenSearchClient(transport);
	}

}
