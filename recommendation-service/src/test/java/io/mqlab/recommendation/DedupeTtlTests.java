package io.mqlab.recommendation;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.mqlab.messaging.autoconfigure.MessagingProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dedupe keys live as long as the messaging library's idempotency records: both guard
 * against the same redeliveries (a rewind, a dead-letter replay).
 */
class DedupeTtlTests {

	@Test
	void theDedupeTtlIsTheIdempotencyRetentionByDefault() throws IOException {
		assertThat(settings(Map.of()).dedupeTtl()).isEqualTo(new MessagingProperties().getIdempotency().getRetention())
			.isEqualTo(Duration.ofDays(7));
	}

	@Test
	void theDedupeTtlFollowsTheIdempotencyRetention() throws IOException {
		assertThat(settings(Map.of("mqlab.messaging.idempotency.retention", "45d")).dedupeTtl())
			.isEqualTo(Duration.ofDays(45));
	}

	@Test
	void anExplicitDedupeTtlWins() throws IOException {
		assertThat(settings(Map.of("mqlab.recommendation.dedupe-ttl", "60d")).dedupeTtl())
			.isEqualTo(Duration.ofDays(60));
	}

	/** The settings as the service binds them from its config file and overrides. */
	private static RecommendationSettings settings(Map<String, Object> overrides) throws IOException {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("overrides", overrides));
		List<PropertySource<?>> file = new YamlPropertySourceLoader().load("recommendation-service.yml",
				new ClassPathResource("recommendation-service.yml"));
		// The first document: the one without a profile.
		environment.getPropertySources().addLast(file.get(0));
		return Binder.get(environment).bindOrCreate("mqlab.recommendation", RecommendationSettings.class);
	}

}
