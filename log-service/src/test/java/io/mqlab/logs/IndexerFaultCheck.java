package io.mqlab.logs;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link IndexerFaultTests} on every backend, outside the default suite. Run with
 * {@code ./mvnw -B -ntp -pl log-service -am verify -Dtest=IndexerFaultCheck -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class IndexerFaultCheck {

	@ParameterizedTest
	@ValueSource(strings = { "kafka", "rabbitmq", "redis", "postgres" })
	void aKilledIndexerIsReplacedWithoutLossOrDuplicates(String backend) throws Exception {
		try (IndexerFaults faults = new IndexerFaults(backend)) {
			faults.killTheIndexerMidStream();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "kafka", "rabbitmq", "redis", "postgres" })
	void anOpenSearchKilledAndStartedAgainLosesNothing(String backend) throws Exception {
		try (IndexerFaults faults = new IndexerFaults(backend)) {
			faults.stopOpenSearchMidStream();
		}
	}

}
