package io.mqlab.recommendation.aggregate;

import io.mqlab.recommendation.RecommendationSettings;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ScoringConfiguration {

	@Bean
	Scoring scoring(RecommendationSettings settings) {
		return new Scoring(settings.allowedLateness(), settings.interestHalfLife());
	}

}
