package io.mqlab.messaging.autoconfigure;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.mqlab.messaging.Backend;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Lets a Spring profile named after a backend ({@code kafka}, {@code rabbitmq},
 * {@code redis}, {@code postgres}) choose it, so {@code SPRING_PROFILES_ACTIVE=redis} is
 * all a service needs. An explicit {@code mqlab.messaging.backend} still wins; two
 * backend profiles at once fail start-up.
 */
class BackendProfileEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY_SOURCE = "mqlabBackendProfile";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.containsProperty("mqlab.messaging.backend")) {
			return;
		}
		String[] profiles = environment.getActiveProfiles();
		if (profiles.length == 0) {
			// spring.profiles.default applies only while no profile is active
			profiles = environment.getDefaultProfiles();
		}
		List<String> chosen = Arrays.stream(profiles)
			.filter((profile) -> Arrays.stream(Backend.values()).anyMatch((b) -> b.id().equals(profile)))
			.toList();
		if (chosen.size() > 1) {
			throw new IllegalStateException(
					"More than one backend profile is active " + chosen + ": activate one of " + Backend.ids());
		}
		if (chosen.size() == 1) {
			environment.getPropertySources()
				.addLast(new MapPropertySource(PROPERTY_SOURCE, Map.of("mqlab.messaging.backend", chosen.get(0))));
		}
	}

	@Override
	public int getOrder() {
		// after ConfigDataEnvironmentPostProcessor, which activates the profiles
		return Ordered.LOWEST_PRECEDENCE;
	}

}
