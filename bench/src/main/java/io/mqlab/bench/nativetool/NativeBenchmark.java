package io.mqlab.bench.nativetool;

import io.mqlab.messaging.Backend;

/**
 * A broker's own benchmark tool, run with the workload and knobs mqlab ran with.
 */
public interface NativeBenchmark {

	String tool();

	/** Runs the tool; a failure is returned as a result with an error, never thrown. */
	NativeResult run(NativeRun run);

	static NativeBenchmark of(Backend backend) {
		return switch (backend) {
			case KAFKA -> new KafkaPerformance();
			case RABBITMQ -> new RabbitPerfTest();
			case REDIS -> new RedisBenchmark();
			case POSTGRES -> new PgBench();
		};
	}

}
