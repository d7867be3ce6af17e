package io.mqlab.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.mqlab.bench.workload.Workload;
import io.mqlab.messaging.Backend;

/**
 * Everything one bench run needs.
 *
 * @param backends the backends to measure, in order
 * @param workload the workload, the same for all of them
 * @param tuning the knobs, recorded with the results
 * @param brokers where the brokers are
 * @param out where the reports go
 * @param stallTimeout how long to wait for the next delivery before counting the rest
 * lost
 * @param runNative whether to run the brokers' own tools as the baseline
 * @param warmUp how long mqlab publishes before the measured phases, so that the JIT
 * compiler has done its work (on 2 cores its threads otherwise take CPU from the broker
 * and the client during the measured phases)
 */
public record BenchSettings(List<Backend> backends, Workload workload, Tuning tuning, Brokers brokers, Path out,
		Duration stallTimeout, boolean runNative, Duration warmUp) {

	public BenchSettings {
		backends = List.copyOf(backends);
		if (backends.isEmpty()) {
			throw new IllegalArgumentException("--backends names no backend: choose from " + Backend.ids());
		}
	}

	public BenchSettings withBrokers(Brokers brokers) {
		return new BenchSettings(this.backends, this.workload, this.tuning, brokers, this.out, this.stallTimeout,
				this.runNative, this.warmUp);
	}

}
