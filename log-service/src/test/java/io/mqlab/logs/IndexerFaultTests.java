package io.mqlab.logs;

import org.junit.jupiter.api.Test;

/**
 * The indexer's faults on Redis (the cheapest backend to run beside the others; the check
 * runs them on all four): an indexer JVM killed with SIGKILL mid-stream and replaced, and
 * OpenSearch itself killed mid-stream and started again (a node of the test's own: the
 * machine's is shared). See {@link IndexerFaults}.
 */
class IndexerFaultTests {

	@Test
	void aKilledIndexerIsReplacedWithoutLossOrDuplicates() throws Exception {
		try (IndexerFaults faults = new IndexerFaults("redis")) {
			faults.killTheIndexerMidStream();
		}
	}

	@Test
	void anOpenSearchKilledAndStartedAgainLosesNothing() throws Exception {
		try (IndexerFaults faults = new IndexerFaults("redis")) {
			faults.stopOpenSearchMidStream();
		}
	}

}
