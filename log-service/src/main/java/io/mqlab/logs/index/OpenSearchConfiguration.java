package io.mqlab.logs.index;

import java.net.URISyntaxException;

import io.mqlab.logs.LogSettings;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The official OpenSearch client ({@code mqlab.logs.opensearch.*}), and the daily
 * indices.
 */
@Configuration(proxyBeanMethods = false)
class OpenSearchConfiguration {

	@Bean(destroyMethod = "close")
	ApacheHttpClient5Transport openSearchTransport(LogSettings settings) throws URISyntaxException {
		LogSettings.OpenSearch opensearch = settings.opensearch();
		HttpHost host = HttpHost.create(opensearch.url());
		return ApacheHttpClient5TransportBuilder.builder(host).setHttpClientConfigCallback((client) -> {
			if (!opensearch.username().isEmpty()) {
				BasicCredentialsProvider credentials = new BasicCredentialsProvider();
				credentials.setCredentials(new AuthScope(host),
						new UsernamePasswordCredentials(opensearch.username(), opensearch.password().toCharArray()));
				client.setDefaultCredentialsProvider(credentials);
			}
			return client;
		}).build();
	}

	@Bean
	OpenSearchClient openSearchClient(ApacheHttpClient5Transport transport) {
		return new OpenSearchClient(transport);
	}

	@Bean
	LogIndices logIndices(OpenSearchClient client, LogSettings settings) {
		return new LogIndices(client, settings.indexPrefix());
	}

}
