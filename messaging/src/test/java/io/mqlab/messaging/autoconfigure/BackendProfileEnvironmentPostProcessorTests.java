package io.mqlab.messaging.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A backend profile chooses the backend unless the property says otherwise.
 */
class BackendProfileEnvironmentPostProcessorTests {

	private final BackendProfileEnvironmentPostProcessor processor = new BackendProfileEnvironmentPostProcessor();

	@Test
	void aBackendProfileChoosesTheBackend() {
		MockEnvironment environment = new MockEnvironment();
		environment.setActiveProfiles("demo", "redis");
		this.processor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("mqlab.messaging.backend")).isEqualTo("redis");
	}

	@Test
	void theExplicitPropertyWins() {
		MockEnvironment environment = new MockEnvironment().withProperty("mqlab.messaging.backend", "kafka");
		environment.setActiveProfiles("redis");
		this.processor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("mqlab.messaging.backend")).isEqualTo("kafka");
	}

	@Test
	void twoBackendProfilesFail() {
		MockEnvironment environment = new MockEnvironment();
		environment.setActiveProfiles("redis", "postgres");
		assertThatIllegalStateException()
			.isThrownBy(() -> this.processor.postProcessEnvironment(environment, new SpringApplication()))
			.withMessageContaining("[redis, postgres]");
	}

	@Test
	void aDefaultBackendProfileAppliesWhenNoProfileIsActive() {
		MockEnvironment environment = new MockEnvironment();
		environment.setDefaultProfiles("kafka");
		this.processor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("mqlab.messaging.backend")).isEqualTo("kafka");
		environment = new MockEnvironment();
		environment.setDefaultProfiles("kafka");
		environment.setActiveProfiles("postgres");
		this.processor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("mqlab.messaging.backend")).isEqualTo("postgres");
	}

	@Test
	void noBackendProfileLeavesItUnset() {
		MockEnvironment environment = new MockEnvironment();
		environment.setActiveProfiles("demo");
		this.processor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("mqlab.messaging.backend")).isNull();
	}

}
