package io.mqlab.monitoring;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link MonitoringKillTests}' scenario on every backend, outside the default suite
 * (surefire does not match {@code *Check}), which runs it on Redis: <pre>
 * ./mvnw -B -ntp -pl monitoring-service -am test -Dtest=MonitoringKillCheck -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class MonitoringKillCheck extends MonitoringKillTests {

	@ParameterizedTest
	@ValueSource(strings = { "kafka", "rabbitmq", "redis", "postgres" })
	void onEveryBackend(String backend) throws Exception {
		killTwice(backend);
	}

}
