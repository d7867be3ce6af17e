package io.mqlab.logs;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link IndexerFaultTests} on every backend ({@code -Dmqlab.check.backends=kafka,redis}
 * for some), outside the default suite. Run with
 * {@code ./mvnw -B -ntp -pl log-service -am verify -Dtest=IndexerFaultCheck -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class IndexerFaultCheck {

	@ParameterizedTest
	@MethodSource("backends")
	void aKilledIndexerIsReplacedWithoutLossOrDuplicates(String backend) throws Exception {
		try (IndexerFaults faults = new IndexerFaults(backend)) {
			faults.killTheIndexerMidStream();
		}
	}

	@ParameterizedTest
	@MethodSource("backends")
	void anOpenSearchKilledAndStartedAgainLosesNothing(String backend) throws Exception {
		try (IndexerFaults faults = new IndexerFaults(backend)) {
			faults.stopOpenSearchMidStream();
		}
	}

	static List<String> backends() {
		return List.of(System.getProperty("mqlab.check.backends", "kafka,rabbitmq,redis,postgres").split(","));
	}

}
